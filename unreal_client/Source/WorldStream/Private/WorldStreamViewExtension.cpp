#include "WorldStreamViewExtension.h"

#include "EngineModule.h"
#include "RenderingThread.h"
#include "RendererInterface.h"
#include "SceneView.h"
#include "WorldStreamRenderState.h"

FWorldStreamViewExtension::FWorldStreamViewExtension(const FAutoRegister& AutoRegister,
	TSharedRef<FWorldStreamRenderState, ESPMode::ThreadSafe> InState)
	: FSceneViewExtensionBase(AutoRegister)
	, State(MoveTemp(InState))
{
}

FWorldStreamViewExtension::~FWorldStreamViewExtension()
{
	if (PostOpaqueHandle.IsValid())
	{
		// Registered on the render thread, which broadcasts it: removed there, after the frames
		// already queued (the delegate holds this extension weakly until then).
		ENQUEUE_RENDER_COMMAND(WorldStreamRemovePostOpaque)(
			[Handle = PostOpaqueHandle](FRHICommandListImmediate&) { GetRendererModule().RemovePostOpaqueRenderDelegate(Handle); });
	}
}

void FWorldStreamViewExtension::PreRenderViewFamily_RenderThread(FRDGBuilder& GraphBuilder, FSceneViewFamily& InViewFamily)
{
	if (InViewFamily.Scene != State->GetScene())
	{
		return;
	}
	if (!PostOpaqueHandle.IsValid())
	{
		const TWeakPtr<FSceneViewExtensionBase, ESPMode::ThreadSafe> WeakThis = AsShared();
		PostOpaqueHandle = GetRendererModule().RegisterPostOpaqueRenderDelegate(FPostOpaqueRenderDelegate::CreateLambda(
			[WeakThis](FPostOpaqueRenderParameters& Parameters)
			{
				if (const TSharedPtr<FSceneViewExtensionBase, ESPMode::ThreadSafe> This = WeakThis.Pin())
				{
					static_cast<FWorldStreamViewExtension&>(*This).RenderAfterOpaque(Parameters);
				}
			}));
	}
	SceneViews.Reset();
	State->Upload(GraphBuilder);
}

void FWorldStreamViewExtension::PreRenderView_RenderThread(FRDGBuilder& GraphBuilder, FSceneView& InView)
{
	if (InView.Family != nullptr && InView.Family->Scene == State->GetScene())
	{
		SceneViews.Add(&InView);
	}
}

void FWorldStreamViewExtension::PostRenderViewFamily_RenderThread(FRDGBuilder& GraphBuilder, FSceneViewFamily& InViewFamily)
{
	if (InViewFamily.Scene == State->GetScene())
	{
		// The renderer's views go with its family: none is looked up after this.
		SceneViews.Reset();
	}
}

void FWorldStreamViewExtension::RenderAfterOpaque(FPostOpaqueRenderParameters& Parameters)
{
	check(IsInRenderingThread());
	if (Parameters.GraphBuilder == nullptr || Parameters.ColorTexture == nullptr || Parameters.DepthTexture == nullptr ||
		!State->HasTiles())
	{
		return;
	}
	// The delegate is called for every view of every scene: draw only into this scene's views,
	// found among those it is rendering now. The renderer passes the FViewInfo it also handed to
	// PreRenderView_RenderThread (Parameters.View, the renderer's private type, compared by
	// address only); failing that, the view rendered with exactly the matrices it passes.
	const FSceneView* View = nullptr;
	for (const FSceneView* Candidate : SceneViews)
	{
		if (static_cast<const void*>(Candidate) == static_cast<const void*>(Parameters.View))
		{
			View = Candidate;
			break;
		}
	}
	for (int32 Index = 0; View == nullptr && Index < SceneViews.Num(); ++Index)
	{
		const FSceneView* Candidate = SceneViews[Index];
		if (Candidate->ViewMatrices.GetViewMatrix() == Parameters.ViewMatrix &&
			Candidate->ViewMatrices.GetProjectionMatrix() == Parameters.ProjMatrix)
		{
			View = Candidate;
		}
	}
	if (View == nullptr || !View->IsPerspectiveProjection())
	{
		return;
	}
	State->Render(*Parameters.GraphBuilder, *View, Parameters.ViewportRect, Parameters.ColorTexture, Parameters.DepthTexture,
		Parameters.VelocityTexture);
}
