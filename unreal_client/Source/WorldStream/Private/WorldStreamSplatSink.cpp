#include "WorldStreamSplatSink.h"

#include "RenderingThread.h"
#include "SceneViewExtension.h"
#include "WorldStreamRenderState.h"
#include "WorldStreamViewExtension.h"

FWorldStreamSplatSink::FWorldStreamSplatSink(FSceneInterface* Scene, uint32 Capacity, const FWorldStreamDrawSettings& DrawSettings)
	: State(MakeShared<FWorldStreamRenderState, ESPMode::ThreadSafe>(Scene, Capacity))
{
	check(IsInGameThread());
	Extension = FSceneViewExtensions::NewExtension<FWorldStreamViewExtension>(State.ToSharedRef());
	ENQUEUE_RENDER_COMMAND(WorldStreamDrawSettings)(
		[State = State, DrawSettings](FRHICommandListImmediate&) { State->SetDrawSettings(DrawSettings); });
}

FWorldStreamSplatSink::~FWorldStreamSplatSink()
{
	check(IsInGameThread());
	// The extension stops being gathered once its last reference goes; the render thread may
	// still hold the state for a frame in flight, which its shared pointer keeps alive.
	Extension.Reset();
	ENQUEUE_RENDER_COMMAND(WorldStreamReleaseSplats)([State = MoveTemp(State)](FRHICommandListImmediate&) mutable { State.Reset(); });
}

void FWorldStreamSplatSink::add_tile(int id, std::shared_ptr<const worldstream::DecodedTile> tile, float alpha)
{
	ENQUEUE_RENDER_COMMAND(WorldStreamAddTile)(
		[State = State, id, tile = MoveTemp(tile), alpha](FRHICommandListImmediate&) mutable { State->AddTile(id, MoveTemp(tile), alpha); });
}

void FWorldStreamSplatSink::set_tile_alpha(int id, float alpha)
{
	ENQUEUE_RENDER_COMMAND(WorldStreamTileAlpha)([State = State, id, alpha](FRHICommandListImmediate&) { State->SetTileAlpha(id, alpha); });
}

void FWorldStreamSplatSink::remove_tile(int id)
{
	ENQUEUE_RENDER_COMMAND(WorldStreamRemoveTile)([State = State, id](FRHICommandListImmediate&) { State->RemoveTile(id); });
}
