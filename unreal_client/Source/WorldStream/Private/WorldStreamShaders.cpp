#include "WorldStreamShaders.h"

IMPLEMENT_GLOBAL_SHADER(FWorldStreamProjectCS, "/Plugin/WorldStream/Private/WorldStreamSplats.usf", "ProjectCS", SF_Compute);
IMPLEMENT_GLOBAL_SHADER(FWorldStreamSplatVS, "/Plugin/WorldStream/Private/WorldStreamSplats.usf", "SplatVS", SF_Vertex);
IMPLEMENT_GLOBAL_SHADER(FWorldStreamSplatPS, "/Plugin/WorldStream/Private/WorldStreamSplats.usf", "SplatPS", SF_Pixel);
