// Stand-in for Runtime/Renderer/Private/PostProcess/PostProcessing.h from UE 5.4 (read in
// izzy2lost/UnrealEngineUWP): FPostProcessingInputs moved out, to the Internal header it includes.
#pragma once

#include "RenderGraphFwd.h"
#include "PostProcess/PostProcessInputs.h"
