// Stand-in for Runtime/RenderCore/Public/RenderGraphFwd.h: the forward declarations and handle
// typedefs (kept with RenderGraphDefinitions.h's here).
#pragma once

#include "RenderGraphDefinitions.h"
