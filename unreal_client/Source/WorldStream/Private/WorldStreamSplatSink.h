// The game thread's end of the renderer: WorldStreamCore's TileStreamer calls it (add a tile,
// fade it, remove it) and it forwards each call, in order, to the render thread's
// FWorldStreamRenderState. A tile crosses as a shared pointer to its immutable decoded arrays: the
// game thread copies nothing. It also owns the view extension that draws the tiles.
#pragma once

#include "CoreMinimal.h"

#include "worldstream/tile_streamer.h"

class FSceneInterface;
class FWorldStreamRenderState;
class FWorldStreamViewExtension;
struct FWorldStreamDrawSettings;

class FWorldStreamSplatSink final : public worldstream::SplatSink
{
public:
	/** Capacity: splats the GPU pool holds (the splat budget with headroom for fades). */
	FWorldStreamSplatSink(FSceneInterface* Scene, uint32 Capacity, const FWorldStreamDrawSettings& DrawSettings);
	/** Releases the render state on the render thread, after every command already queued. */
	virtual ~FWorldStreamSplatSink() override;

	virtual void add_tile(int id, std::shared_ptr<const worldstream::DecodedTile> tile, float alpha) override;
	virtual void set_tile_alpha(int id, float alpha) override;
	virtual void remove_tile(int id) override;

private:
	TSharedPtr<FWorldStreamRenderState, ESPMode::ThreadSafe> State;
	TSharedPtr<FWorldStreamViewExtension, ESPMode::ThreadSafe> Extension;
};
