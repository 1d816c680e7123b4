// Stand-in for Runtime/Renderer/Internal/PostProcess/PostProcessInputs.h (UE 5.4 and later; read
// in a 5.5-line copy with ExposureIlluminance and PathTracingResources, omitted here with the
// translucency resources and includes).
#pragma once

#include "RenderGraphResources.h"
#include "SceneTexturesConfig.h"

struct FPostProcessingInputs
{
	TRDGUniformBufferRef<FSceneTextureUniformParameters> SceneTextures = nullptr;
	FRDGTextureRef ViewFamilyTexture = nullptr;
	FRDGTextureRef CustomDepthTexture = nullptr;
};
