// Hooks the splat passes into the renderer, only for the view families of the scene the render
// state belongs to (not other PIE worlds, not editor previews): uploads once per view family, and
// draws after the opaque passes and before translucency (the renderer's post-opaque delegate,
// which ISceneViewExtension has no hook for), so that splats are lit by nothing, fogged by
// nothing, then exposed, anti-aliased and tone-mapped like the rest of the frame, and their depth
// is in place for translucency and TSR/TAA.
#pragma once

#include "SceneViewExtension.h"

class FPostOpaqueRenderParameters;
class FWorldStreamRenderState;

class FWorldStreamViewExtension : public FSceneViewExtensionBase
{
public:
	FWorldStreamViewExtension(const FAutoRegister& AutoRegister, TSharedRef<FWorldStreamRenderState, ESPMode::ThreadSafe> InState);
	virtual ~FWorldStreamViewExtension() override;

	virtual void SetupViewFamily(FSceneViewFamily& InViewFamily) override {}
	virtual void SetupView(FSceneViewFamily& InViewFamily, FSceneView& InView) override {}
	virtual void BeginRenderViewFamily(FSceneViewFamily& InViewFamily) override {}
	virtual void PreRenderViewFamily_RenderThread(FRDGBuilder& GraphBuilder, FSceneViewFamily& InViewFamily) override;
	virtual void PreRenderView_RenderThread(FRDGBuilder& GraphBuilder, FSceneView& InView) override;
	virtual void PostRenderViewFamily_RenderThread(FRDGBuilder& GraphBuilder, FSceneViewFamily& InViewFamily) override;

private:
	/** The post-opaque delegate's call for one view (render thread). */
	void RenderAfterOpaque(FPostOpaqueRenderParameters& Parameters);

	TSharedRef<FWorldStreamRenderState, ESPMode::ThreadSafe> State;
	/** The post-opaque delegate, registered on the render thread at the first view family. */
	FDelegateHandle PostOpaqueHandle;
	/** The views of the scene now being rendered (render thread; between PreRenderView and PostRenderViewFamily). */
	TArray<const FSceneView*> SceneViews;
};
