// Stand-in for Runtime/Engine/Public/SceneViewExtension.h (read in the UE 5.4 line,
// izzy2lost/UnrealEngineUWP; the 5.3.2 renderer, JShCfor/UE532 SceneRendering.cpp, calls the
// same RDG hooks): ISceneViewExtension's pure and render-thread hooks with their engine
// signatures, including the deprecated RHI-command-list overloads that an RDG override hides,
// FAutoRegister, FSceneViewExtensionBase (TSharedFromThis, so AsShared) and
// FSceneViewExtensions::NewExtension.
#pragma once

#include "CoreMinimal.h"
#include "RendererInterface.h"
#include "SceneTexturesConfig.h"

class FRHICommandListImmediate;
class FSceneView;
class FSceneViewFamily;
class FRDGBuilder;
struct FPostProcessingInputs;

class ISceneViewExtension
{
public:
	virtual ~ISceneViewExtension() {}
	virtual void SetupViewFamily(FSceneViewFamily& InViewFamily) = 0;
	virtual void SetupView(FSceneViewFamily& InViewFamily, FSceneView& InView) = 0;
	virtual void BeginRenderViewFamily(FSceneViewFamily& InViewFamily) = 0;
	virtual void PreRenderViewFamily_RenderThread(FRDGBuilder& GraphBuilder, FSceneViewFamily& InViewFamily) {}
	virtual void PreRenderView_RenderThread(FRDGBuilder& GraphBuilder, FSceneView& InView) {}
	virtual void PrePostProcessPass_RenderThread(FRDGBuilder& GraphBuilder, const FSceneView& View, const FPostProcessingInputs& Inputs) {}
	virtual void PostRenderViewFamily_RenderThread(FRDGBuilder& GraphBuilder, FSceneViewFamily& InViewFamily) {}
	virtual void PostRenderView_RenderThread(FRDGBuilder& GraphBuilder, FSceneView& InView) {}
	virtual int32 GetPriority() const { return 0; }

	// Deprecated in 5.1, still declared: overriding the RDG overloads hides these.
	virtual void PreRenderViewFamily_RenderThread(FRHICommandListImmediate& RHICmdList, FSceneViewFamily& InViewFamily) {}
	virtual void PreRenderView_RenderThread(FRHICommandListImmediate& RHICmdList, FSceneView& InView) {}
	virtual void PostRenderViewFamily_RenderThread(FRHICommandListImmediate& RHICmdList, FSceneViewFamily& InViewFamily) {}
	virtual void PostRenderView_RenderThread(FRHICommandListImmediate& RHICmdList, FSceneView& InView) {}
};

class FAutoRegister
{
	friend class FSceneViewExtensions;
	FAutoRegister() {}
};

class FSceneViewExtensionBase : public ISceneViewExtension, public TSharedFromThis<FSceneViewExtensionBase, ESPMode::ThreadSafe>
{
public:
	FSceneViewExtensionBase(const FAutoRegister&) {}
	ENGINE_API virtual ~FSceneViewExtensionBase();
};

class FSceneViewExtensions
{
public:
	template <typename ExtensionType, typename... TArgs>
	static TSharedRef<ExtensionType, ESPMode::ThreadSafe> NewExtension(TArgs&&... Args);
};
