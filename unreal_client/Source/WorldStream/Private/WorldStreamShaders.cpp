#include "WorldStreamShaders.h"

IMPLEMENT_GLOBAL_SHADER(FWorldStreamProjectCS, "/Plugin/WorldStream/Private/WorldStreamSplats.usf", "ProjectCS", SF_Compute);
IMPLEMENT_GLOBAL_SHADER(FWorldStreamSplatVS, "/Plugin/WorldStream/Private/WorldStreamSplats.usf", "SplatVS", SF_Vertex);
IMPLEMENT_GLOBAL_SHADER(FWorldStreamSplatPS, "/Plugin/WorldStream/Private/WorldStreamSplats.usf", "SplatPS", SF_Pixel);
IMPLEMENT_GLOBAL_SHADER(FWorldStreamSplatDepthPS, "/Plugin/WorldStream/Private/WorldStreamSplats.usf", "SplatDepthPS", SF_Pixel);
IMPLEMENT_GLOBAL_SHADER(FWorldStreamSplatDepthVelocityPS, "/Plugin/WorldStream/Private/WorldStreamSplats.usf", "SplatDepthVelocityPS", SF_Pixel);
IMPLEMENT_GLOBAL_SHADER(FWorldStreamCompositeVS, "/Plugin/WorldStream/Private/WorldStreamSplats.usf", "CompositeVS", SF_Vertex);
IMPLEMENT_GLOBAL_SHADER(FWorldStreamCompositePS, "/Plugin/WorldStream/Private/WorldStreamSplats.usf", "CompositePS", SF_Pixel);
