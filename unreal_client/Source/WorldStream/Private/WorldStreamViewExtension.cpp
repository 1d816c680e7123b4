#include "WorldStreamViewExtension.h"

#include "PostProcess/PostProcessInputs.h"
#include "SceneRendering.h"
#include "SceneTextureParameters.h"
#include "WorldStreamRenderState.h"

FWorldStreamViewExtension::FWorldStreamViewExtension(const FAutoRegister& AutoRegister,
	TSharedRef<FWorldStreamRenderState, ESPMode::ThreadSafe> InState)
	: FSceneViewExtensionBase(AutoRegister)
	, State(MoveTemp(InState))
{
}

void FWorldStreamViewExtension::PreRenderViewFamily_RenderThread(FRDGBuilder& GraphBuilder, FSceneViewFamily& InViewFamily)
{
	if (InViewFamily.Scene == State->GetScene())
	{
		State->Upload(GraphBuilder);
	}
}

void FWorldStreamViewExtension::PrePostProcessPass_RenderThread(FRDGBuilder& GraphBuilder, const FSceneView& View,
	const FPostProcessingInputs& Inputs)
{
	if (!State->HasTiles() || !View.bIsViewInfo || View.Family == nullptr || View.Family->Scene != State->GetScene() ||
		!View.IsPerspectiveProjection() || !Inputs.SceneTextures)
	{
		return;
	}
	const FViewInfo& ViewInfo = static_cast<const FViewInfo&>(View);
	const FSceneTextureUniformParameters* SceneTextures = Inputs.SceneTextures->GetParameters();
	State->Render(GraphBuilder, View, ViewInfo.ViewRect, SceneTextures->SceneColorTexture, SceneTextures->SceneDepthTexture);
}
