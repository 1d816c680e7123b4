// Hooks the splat passes into the renderer: uploads once per view family, draws into scene
// colour before post-processing (so splats are exposed, tone-mapped and anti-aliased like the
// rest of the frame), only for the view families of the scene the render state belongs to (not
// other PIE worlds, not editor previews).
#pragma once

#include "SceneViewExtension.h"

class FWorldStreamRenderState;

class FWorldStreamViewExtension : public FSceneViewExtensionBase
{
public:
	FWorldStreamViewExtension(const FAutoRegister& AutoRegister, TSharedRef<FWorldStreamRenderState, ESPMode::ThreadSafe> InState);

	virtual void SetupViewFamily(FSceneViewFamily& InViewFamily) override {}
	virtual void SetupView(FSceneViewFamily& InViewFamily, FSceneView& InView) override {}
	virtual void BeginRenderViewFamily(FSceneViewFamily& InViewFamily) override {}
	virtual void PreRenderViewFamily_RenderThread(FRDGBuilder& GraphBuilder, FSceneViewFamily& InViewFamily) override;
	virtual void PrePostProcessPass_RenderThread(FRDGBuilder& GraphBuilder, const FSceneView& View, const FPostProcessingInputs& Inputs) override;

private:
	TSharedRef<FWorldStreamRenderState, ESPMode::ThreadSafe> State;
};
