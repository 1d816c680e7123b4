// The render thread's side of the splat renderer: one GPU pool holding every resident tile's
// splats (ranges handed out by worldstream::SplatPool), a tile table, and the passes that sort
// all tiles' splats together, draw them, and write their depth and velocity where they are dense
// enough. Created on the game thread; after that every call but GetScene() runs on the render
// thread (the sink enqueues them in order).
#pragma once

#include "CoreMinimal.h"
#include "RenderGraphResources.h"

#include <memory>

#include "worldstream/payload.h"
#include "worldstream/splat_pool.h"

class FRDGBuilder;
class FSceneInterface;
class FSceneView;

/** A tile slot as the shaders read it (FWorldStreamTile in WorldStreamSplats.usf): 32 bytes. */
struct FWorldStreamTileGpu
{
	FVector3f Offset = FVector3f::ZeroVector;
	float Alpha = 0.0f;
	uint32 Start = 0;
	uint32 End = 0;
	uint32 Padding[2] = {0, 0};
};
static_assert(sizeof(FWorldStreamTileGpu) == 32, "the shader reads 32-byte tile records");

struct FWorldStreamDrawSettings
{
	float MinAlpha = 1.0f / 255.0f;
	/**
	 * Where one splat by itself covers at least this much of a pixel, the pixel takes the splat's
	 * depth and "no object motion" in the velocity texture (translucency drawn later sorts against
	 * it; TSR/TAA reproject it with the camera). 1 or more writes no depth.
	 */
	float DepthAlphaThreshold = 0.5f;
};

class FWorldStreamRenderState
{
public:
	/** InCapacity: splats the GPU pool holds; at most worldstream::kMaxPoolSplats are used. */
	FWorldStreamRenderState(FSceneInterface* InScene, uint32 InCapacity);

	/** The scene whose views draw these splats (read on any thread; set once). */
	FSceneInterface* GetScene() const { return Scene; }

	// Render thread.
	void AddTile(int32 Id, std::shared_ptr<const worldstream::DecodedTile> Tile, float Alpha);
	void SetTileAlpha(int32 Id, float Alpha);
	void RemoveTile(int32 Id);
	void SetDrawSettings(const FWorldStreamDrawSettings& InSettings) { DrawSettings = InSettings; }
	bool HasTiles() const { return Tiles.Num() > 0; }

	/** Copies the tiles added since the last call into the pool (once per view family). */
	void Upload(FRDGBuilder& GraphBuilder);
	/**
	 * Sorts every resident splat by depth for this view, blends them in display values (as 3DGS)
	 * into a transient target and composites that over scene colour (a multisampled scene colour
	 * takes them directly, blended in linear light), then writes scene depth (and 0 into SceneVelocity, when it is a render target) where a splat's
	 * alpha reaches DepthAlphaThreshold. Called after the opaque passes, before translucency.
	 * DrawRect: the view's rectangle in the scene textures (render resolution).
	 */
	void Render(FRDGBuilder& GraphBuilder, const FSceneView& View, const FIntRect& DrawRect, FRDGTextureRef SceneColor,
		FRDGTextureRef SceneDepth, FRDGTextureRef SceneVelocity);

private:
	struct FTile
	{
		uint32 Slot = 0;
		uint32 Offset = 0;
		uint32 Count = 0;
		FVector3d Origin = FVector3d::ZeroVector;
		float Alpha = 1.0f;
	};

	void ReleaseTile(const FTile& Tile);

	FSceneInterface* const Scene;
	const uint32 Capacity;
	worldstream::SplatPool Pool;
	TMap<int32, FTile> Tiles;
	/** Tiles waiting for Upload: their decoded data, packed on the render thread at upload. */
	TMap<int32, std::shared_ptr<const worldstream::DecodedTile>> PendingUploads;
	TArray<uint32> FreeSlots;
	uint32 SlotCount = 0;
	TRefCountPtr<FRDGPooledBuffer> SplatBuffer;
	FWorldStreamDrawSettings DrawSettings;
	bool bWarnedFull = false;
};
