// Stand-in for Runtime/Renderer/Private/PostProcess/PostProcessing.h as it is before UE 5.4:
// the renderer's private header declares FPostProcessingInputs itself (read in the 5.x copies
// with FTranslucencyViewResourcesMap; its other members and includes are omitted here). UE 5.3
// has no PostProcess/PostProcessInputs.h, in Private or Internal.
#pragma once

#include "RenderGraphResources.h"
#include "SceneTexturesConfig.h"

struct FPostProcessingInputs
{
	TRDGUniformBufferRef<FSceneTextureUniformParameters> SceneTextures = nullptr;
	FRDGTextureRef ViewFamilyTexture = nullptr;
	FRDGTextureRef CustomDepthTexture = nullptr;
};
