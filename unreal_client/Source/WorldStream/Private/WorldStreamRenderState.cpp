#include "WorldStreamRenderState.h"

#include "CommonRenderResources.h"
#include "GPUSort.h"
#include "GlobalShader.h"
#include "PipelineStateCache.h"
#include "RHIStaticStates.h"
#include "RenderGraphBuilder.h"
#include "RenderGraphUtils.h"
#include "RenderingThread.h"
#include "SceneView.h"
#include "ShaderParameterUtils.h"
#include "WorldStreamModule.h"
#include "WorldStreamShaders.h"

#include "worldstream/dispatch.h"
#include "worldstream/gpu_splat.h"

namespace
{
	// Splats nearer than this (centimetres) are culled rather than projected through the eye.
	constexpr float NearCullCentimeters = 1.0f;
	// Keep splats whose centres lie up to 30 % outside the frustum: their footprint reaches in.
	constexpr float FrustumMargin = 1.3f;

	BEGIN_SHADER_PARAMETER_STRUCT(FWorldStreamSortParameters, )
		SHADER_PARAMETER_RDG_BUFFER_SRV(Buffer<uint>, KeysSRV0)
		SHADER_PARAMETER_RDG_BUFFER_SRV(Buffer<uint>, KeysSRV1)
		SHADER_PARAMETER_RDG_BUFFER_UAV(RWBuffer<uint>, KeysUAV0)
		SHADER_PARAMETER_RDG_BUFFER_UAV(RWBuffer<uint>, KeysUAV1)
		SHADER_PARAMETER_RDG_BUFFER_SRV(Buffer<uint>, ValuesSRV0)
		SHADER_PARAMETER_RDG_BUFFER_SRV(Buffer<uint>, ValuesSRV1)
		SHADER_PARAMETER_RDG_BUFFER_UAV(RWBuffer<uint>, ValuesUAV0)
		SHADER_PARAMETER_RDG_BUFFER_UAV(RWBuffer<uint>, ValuesUAV1)
	END_SHADER_PARAMETER_STRUCT()

	BEGIN_SHADER_PARAMETER_STRUCT(FWorldStreamDrawParameters, )
		SHADER_PARAMETER_STRUCT_INCLUDE(FWorldStreamSplatVS::FParameters, VS)
		SHADER_PARAMETER_STRUCT_INCLUDE(FWorldStreamSplatPS::FParameters, PS)
		RDG_BUFFER_ACCESS(DrawArgs, ERHIAccess::IndirectArgs)
		RENDER_TARGET_BINDING_SLOTS()
	END_SHADER_PARAMETER_STRUCT()

	BEGIN_SHADER_PARAMETER_STRUCT(FWorldStreamCompositeParameters, )
		SHADER_PARAMETER_STRUCT_INCLUDE(FWorldStreamCompositePS::FParameters, PS)
		RENDER_TARGET_BINDING_SLOTS()
	END_SHADER_PARAMETER_STRUCT()

	BEGIN_SHADER_PARAMETER_STRUCT(FWorldStreamDepthDrawParameters, )
		SHADER_PARAMETER_STRUCT_INCLUDE(FWorldStreamSplatVS::FParameters, VS)
		SHADER_PARAMETER_STRUCT_INCLUDE(FWorldStreamSplatDepthParameters, PS)
		RDG_BUFFER_ACCESS(DrawArgs, ERHIAccess::IndirectArgs)
		RENDER_TARGET_BINDING_SLOTS()
	END_SHADER_PARAMETER_STRUCT()

	static_assert(FWorldStreamProjectCS::ThreadGroupSize == uint32(worldstream::kProjectGroupSize),
		"the dispatch maths of worldstream/dispatch.h counts ProjectCS groups of this size");

	// Splats the pool holds: the sink's request, within what the dispatch and buffers are sized for.
	uint32 ClampCapacity(uint32 Requested)
	{
		return FMath::Clamp<uint32>(Requested, 1u, worldstream::kMaxPoolSplats);
	}

	// One instanced quad per sorted splat (the count the project pass wrote into DrawArgs), with
	// SplatVS and the given pixel shader, blend and depth states.
	template <typename TPassParameters, typename TPixelShader>
	void AddQuadPass(FRDGBuilder& GraphBuilder, FRDGEventName&& Name, TPassParameters* Parameters,
		const TShaderMapRef<FWorldStreamSplatVS>& VertexShader, const TShaderMapRef<TPixelShader>& PixelShader,
		const FIntRect& DrawRect, FRHIBlendState* BlendState, FRHIDepthStencilState* DepthStencilState)
	{
		GraphBuilder.AddPass(MoveTemp(Name), Parameters, ERDGPassFlags::Raster,
			[Parameters, VertexShader, PixelShader, DrawRect, BlendState, DepthStencilState](FRHICommandList& RHICmdList)
			{
				FGraphicsPipelineStateInitializer PSO;
				RHICmdList.ApplyCachedRenderTargets(PSO);
				PSO.BlendState = BlendState;
				PSO.RasterizerState = TStaticRasterizerState<FM_Solid, CM_None>::GetRHI();
				PSO.DepthStencilState = DepthStencilState;
				// No vertex streams: SplatVS builds each quad from SV_VertexID and SV_InstanceID.
				PSO.BoundShaderState.VertexDeclarationRHI = GEmptyVertexDeclaration.VertexDeclarationRHI;
				PSO.BoundShaderState.VertexShaderRHI = VertexShader.GetVertexShader();
				PSO.BoundShaderState.PixelShaderRHI = PixelShader.GetPixelShader();
				PSO.PrimitiveType = PT_TriangleList;
				SetGraphicsPipelineState(RHICmdList, PSO, 0);
				RHICmdList.SetViewport(DrawRect.Min.X, DrawRect.Min.Y, 0.0f, DrawRect.Max.X, DrawRect.Max.Y, 1.0f);
				SetShaderParameters(RHICmdList, VertexShader, VertexShader.GetVertexShader(), Parameters->VS);
				SetShaderParameters(RHICmdList, PixelShader, PixelShader.GetPixelShader(), Parameters->PS);
				RHICmdList.SetStreamSource(0, nullptr, 0);
				RHICmdList.DrawPrimitiveIndirect(Parameters->DrawArgs->GetIndirectRHICallBuffer(), 0);
			});
	}

	// A velocity texture the depth pass can write into: the renderer's, when it renders velocity.
	bool IsWritableVelocity(FRDGTextureRef Velocity, FRDGTextureRef SceneDepth)
	{
		return Velocity != nullptr && EnumHasAnyFlags(Velocity->Desc.Flags, TexCreate_RenderTargetable) &&
			Velocity->Desc.Extent == SceneDepth->Desc.Extent && Velocity->Desc.NumSamples == SceneDepth->Desc.NumSamples;
	}
}

FWorldStreamRenderState::FWorldStreamRenderState(FSceneInterface* InScene, uint32 InCapacity)
	: Scene(InScene)
	, Capacity(ClampCapacity(InCapacity))
	, Pool(ClampCapacity(InCapacity))
{
}

void FWorldStreamRenderState::AddTile(int32 Id, std::shared_ptr<const worldstream::DecodedTile> Tile, float Alpha)
{
	check(IsInRenderingThread());
	const uint32 Count = Tile ? Tile->splat_count : 0;
	const std::optional<uint32> Offset = Pool.allocate(Count);
	if (!Offset)
	{
		// The pool is sized from the splat budget with headroom for fades; the server keeps the
		// client inside the budget, so this means the headroom is too small for the fades.
		if (!bWarnedFull)
		{
			UE_LOG(LogWorldStream, Warning, TEXT("splat pool full (%u of %u splats used): a tile of %u splats is not drawn; raise PoolHeadroom"),
				Pool.used(), Capacity, Count);
			bWarnedFull = true;
		}
		return;
	}
	FTile Entry;
	Entry.Slot = FreeSlots.Num() > 0 ? FreeSlots.Pop(false) : SlotCount++;
	Entry.Offset = *Offset;
	Entry.Count = Count;
	Entry.Origin = FVector3d(Tile->origin[0], Tile->origin[1], Tile->origin[2]);
	Entry.Alpha = Alpha;
	Tiles.Add(Id, Entry);
	if (Count > 0)
	{
		PendingUploads.Add(Id, MoveTemp(Tile));
	}
}

void FWorldStreamRenderState::SetTileAlpha(int32 Id, float Alpha)
{
	check(IsInRenderingThread());
	if (FTile* Tile = Tiles.Find(Id))
	{
		Tile->Alpha = Alpha;
	}
}

void FWorldStreamRenderState::RemoveTile(int32 Id)
{
	check(IsInRenderingThread());
	FTile Tile;
	if (Tiles.RemoveAndCopyValue(Id, Tile))
	{
		PendingUploads.Remove(Id);
		ReleaseTile(Tile);
	}
}

void FWorldStreamRenderState::ReleaseTile(const FTile& Tile)
{
	if (Tile.Count > 0)
	{
		Pool.release(Tile.Offset);
	}
	FreeSlots.Push(Tile.Slot);
	bWarnedFull = false;
}

void FWorldStreamRenderState::Upload(FRDGBuilder& GraphBuilder)
{
	check(IsInRenderingThread());
	if (!SplatBuffer.IsValid())
	{
		const FRDGBufferDesc Desc = FRDGBufferDesc::CreateStructuredDesc(sizeof(worldstream::GpuSplat), Capacity);
		FRDGBufferRef Created = GraphBuilder.CreateBuffer(Desc, TEXT("WorldStream.SplatPool"));
		AddClearUAVPass(GraphBuilder, GraphBuilder.CreateUAV(Created), 0u);
		SplatBuffer = GraphBuilder.ConvertToExternalBuffer(Created);
	}
	if (PendingUploads.Num() == 0)
	{
		return;
	}
	FRDGBufferRef Pooled = GraphBuilder.RegisterExternalBuffer(SplatBuffer);
	for (const auto& Pending : PendingUploads)
	{
		const FTile& Tile = Tiles.FindChecked(Pending.Key);
		// Activation (exp, sigmoid, colour) happens once here, not once per frame on the GPU.
		TArray<worldstream::GpuSplat> Packed;
		Packed.SetNumUninitialized(int32(Tile.Count));
		worldstream::pack_gpu_splats(*Pending.Value, Tile.Slot, Packed.GetData());
		FRDGBufferRef Staging = CreateStructuredBuffer(GraphBuilder, TEXT("WorldStream.TileUpload"),
			sizeof(worldstream::GpuSplat), Tile.Count, Packed.GetData(), Packed.Num() * sizeof(worldstream::GpuSplat));
		AddCopyBufferPass(GraphBuilder, Pooled, uint64(Tile.Offset) * sizeof(worldstream::GpuSplat), Staging, 0,
			uint64(Tile.Count) * sizeof(worldstream::GpuSplat));
	}
	PendingUploads.Reset();
}

void FWorldStreamRenderState::Render(FRDGBuilder& GraphBuilder, const FSceneView& View, const FIntRect& DrawRect,
	FRDGTextureRef SceneColor, FRDGTextureRef SceneDepth, FRDGTextureRef SceneVelocity)
{
	check(IsInRenderingThread());
	const uint32 Extent = Pool.extent();
	if (Tiles.Num() == 0 || Extent == 0 || !SplatBuffer.IsValid() || SceneColor == nullptr || SceneDepth == nullptr)
	{
		return;
	}
	RDG_EVENT_SCOPE(GraphBuilder, "WorldStreamSplats(%u)", Extent);

	// Tile origins are doubles; the GPU gets them in translated world space (relative to the
	// view), where float32 keeps its precision near the camera.
	const FVector PreViewTranslation = View.ViewMatrices.GetPreViewTranslation();
	TArray<FWorldStreamTileGpu> TileTable;
	TileTable.SetNum(int32(FMath::Max<uint32>(SlotCount, 1)));
	for (const auto& Pair : Tiles)
	{
		const FTile& Tile = Pair.Value;
		FWorldStreamTileGpu& Out = TileTable[int32(Tile.Slot)];
		Out.Offset = FVector3f(Tile.Origin + PreViewTranslation);
		Out.Alpha = PendingUploads.Contains(Pair.Key) ? 0.0f : Tile.Alpha;
		Out.Start = Tile.Offset;
		Out.End = Tile.Offset + Tile.Count;
	}
	FRDGBufferRef TileBuffer = CreateStructuredBuffer(GraphBuilder, TEXT("WorldStream.Tiles"), sizeof(FWorldStreamTileGpu),
		TileTable.Num(), TileTable.GetData(), TileTable.Num() * sizeof(FWorldStreamTileGpu));
	FRDGBufferRef Splats = GraphBuilder.RegisterExternalBuffer(SplatBuffer);

	// 1. Project and key every pool splat; count the visible ones into the draw arguments.
	const FRDGBufferDesc KeyDesc = FRDGBufferDesc::CreateBufferDesc(sizeof(uint32), Extent);
	FRDGBufferRef Keys[2] = {GraphBuilder.CreateBuffer(KeyDesc, TEXT("WorldStream.Keys0")), GraphBuilder.CreateBuffer(KeyDesc, TEXT("WorldStream.Keys1"))};
	FRDGBufferRef Values[2] = {GraphBuilder.CreateBuffer(KeyDesc, TEXT("WorldStream.Values0")), GraphBuilder.CreateBuffer(KeyDesc, TEXT("WorldStream.Values1"))};
	FRDGBufferRef DrawArgs = GraphBuilder.CreateBuffer(FRDGBufferDesc::CreateIndirectDesc<FRHIDrawIndirectParameters>(1), TEXT("WorldStream.DrawArgs"));
	// Culled splats keep the largest key and sort after every drawn one.
	AddClearUAVPass(GraphBuilder, GraphBuilder.CreateUAV(Keys[0], PF_R32_UINT), 0xFFFFFFFFu);
	AddClearUAVPass(GraphBuilder, GraphBuilder.CreateUAV(Values[0], PF_R32_UINT), 0u);
	AddClearUAVPass(GraphBuilder, GraphBuilder.CreateUAV(DrawArgs, PF_R32_UINT), 0u);

	const FGlobalShaderMap* ShaderMap = GetGlobalShaderMap(View.GetFeatureLevel());
	{
		FWorldStreamProjectCS::FParameters* Parameters = GraphBuilder.AllocParameters<FWorldStreamProjectCS::FParameters>();
		Parameters->Splats = GraphBuilder.CreateSRV(Splats);
		Parameters->Tiles = GraphBuilder.CreateSRV(TileBuffer);
		Parameters->SortKeys = GraphBuilder.CreateUAV(Keys[0], PF_R32_UINT);
		Parameters->SortValues = GraphBuilder.CreateUAV(Values[0], PF_R32_UINT);
		Parameters->DrawArgs = GraphBuilder.CreateUAV(DrawArgs, PF_R32_UINT);
		Parameters->TranslatedWorldToClip = FMatrix44f(View.ViewMatrices.GetTranslatedViewProjectionMatrix());
		Parameters->SplatCount = Extent;
		Parameters->TileCount = TileTable.Num();
		Parameters->NearCullDepth = NearCullCentimeters;
		Parameters->FrustumMargin = FrustumMargin;
		TShaderMapRef<FWorldStreamProjectCS> Shader(ShaderMap);
		// One thread per pool splat: past 65,535 groups the groups wrap into rows (and planes) of
		// 128, as FComputeShaderUtils::GetGroupCountWrapped does; ProjectCS unwraps its index.
		const worldstream::GroupCount Groups = worldstream::group_count_wrapped(int32(Extent), worldstream::kProjectGroupSize);
		FComputeShaderUtils::AddPass(GraphBuilder, RDG_EVENT_NAME("Project"), Shader, Parameters, FIntVector(Groups.x, Groups.y, Groups.z));
	}

	// 2. One sort over the splats of every tile: the engine's GPU radix sort. Eight 4-bit passes
	// over 32-bit keys end in buffer 0.
	{
		FWorldStreamSortParameters* Parameters = GraphBuilder.AllocParameters<FWorldStreamSortParameters>();
		Parameters->KeysSRV0 = GraphBuilder.CreateSRV(Keys[0], PF_R32_UINT);
		Parameters->KeysSRV1 = GraphBuilder.CreateSRV(Keys[1], PF_R32_UINT);
		Parameters->KeysUAV0 = GraphBuilder.CreateUAV(Keys[0], PF_R32_UINT);
		Parameters->KeysUAV1 = GraphBuilder.CreateUAV(Keys[1], PF_R32_UINT);
		Parameters->ValuesSRV0 = GraphBuilder.CreateSRV(Values[0], PF_R32_UINT);
		Parameters->ValuesSRV1 = GraphBuilder.CreateSRV(Values[1], PF_R32_UINT);
		Parameters->ValuesUAV0 = GraphBuilder.CreateUAV(Values[0], PF_R32_UINT);
		Parameters->ValuesUAV1 = GraphBuilder.CreateUAV(Values[1], PF_R32_UINT);
		const ERHIFeatureLevel::Type FeatureLevel = View.GetFeatureLevel();
		GraphBuilder.AddPass(RDG_EVENT_NAME("Sort"), Parameters, ERDGPassFlags::Compute | ERDGPassFlags::NeverCull,
			[Parameters, Extent, FeatureLevel](FRHICommandList& RHICmdList)
			{
				FGPUSortBuffers SortBuffers;
				SortBuffers.RemoteKeySRVs[0] = Parameters->KeysSRV0->GetRHI();
				SortBuffers.RemoteKeySRVs[1] = Parameters->KeysSRV1->GetRHI();
				SortBuffers.RemoteKeyUAVs[0] = Parameters->KeysUAV0->GetRHI();
				SortBuffers.RemoteKeyUAVs[1] = Parameters->KeysUAV1->GetRHI();
				SortBuffers.RemoteValueSRVs[0] = Parameters->ValuesSRV0->GetRHI();
				SortBuffers.RemoteValueSRVs[1] = Parameters->ValuesSRV1->GetRHI();
				SortBuffers.RemoteValueUAVs[0] = Parameters->ValuesUAV0->GetRHI();
				SortBuffers.RemoteValueUAVs[1] = Parameters->ValuesUAV1->GetRHI();
				const int32 ResultIndex = SortGPUBuffers(RHICmdList, SortBuffers, 0, 0xFFFFFFFFu, int32(Extent), FeatureLevel);
				ensureMsgf(ResultIndex == 0, TEXT("the splat sort ended in buffer %d, the draw reads buffer 0"), ResultIndex);
			});
	}

	// The quads of both draws: instance i is the i-th splat of the sorted list.
	FWorldStreamSplatVS::FParameters QuadParameters;
	{
		const FMatrix Projection = View.ViewMatrices.GetProjectionMatrix();
		const FVector2f Size(FMath::Max(DrawRect.Width(), 1), FMath::Max(DrawRect.Height(), 1));
		QuadParameters.DrawSplats = GraphBuilder.CreateSRV(Splats);
		QuadParameters.DrawTiles = GraphBuilder.CreateSRV(TileBuffer);
		QuadParameters.SortedIndices = GraphBuilder.CreateSRV(Values[0], PF_R32_UINT);
		QuadParameters.DrawTranslatedWorldToClip = FMatrix44f(View.ViewMatrices.GetTranslatedViewProjectionMatrix());
		QuadParameters.TranslatedWorldToView = FMatrix44f(View.ViewMatrices.GetTranslatedViewMatrix());
		QuadParameters.FocalPixels = FVector2f(float(Projection.M[0][0]) * 0.5f * Size.X, float(Projection.M[1][1]) * 0.5f * Size.Y);
		QuadParameters.ViewSizePixels = Size;
		QuadParameters.PreExposure = View.PreExposure;
		QuadParameters.MaxRadiusPixels = 2.0f * FMath::Max(Size.X, Size.Y);
	}
	TShaderMapRef<FWorldStreamSplatVS> VertexShader(ShaderMap);

	// 3DGS blends display (sRGB) values: the quads blend theirs into a half-float target of scene
	// colour's size, cleared to nothing, which step 3b composites over scene colour. A multisampled
	// scene colour (forward shading with MSAA) has a depth buffer that target cannot share: there
	// the quads go straight into scene colour, decoded to linear light and blended in it.
	const bool bComposite = SceneColor->Desc.NumSamples == 1;
	FRDGTextureRef SplatColour = nullptr;
	if (bComposite)
	{
		SplatColour = GraphBuilder.CreateTexture(FRDGTextureDesc::Create2D(SceneColor->Desc.Extent, PF_FloatRGBA,
			FClearValueBinding::Transparent, TexCreate_RenderTargetable | TexCreate_ShaderResource), TEXT("WorldStream.SplatColour"));
	}
	QuadParameters.LinearColour = bComposite ? 0.0f : 1.0f;

	// 3. Back to front, instanced quads, tested against scene depth; premultiplied "over". Reversed
	// Z: nearer is greater. Depth is tested, not written: step 4 writes it once every splat has
	// blended.
	{
		FWorldStreamDrawParameters* Parameters = GraphBuilder.AllocParameters<FWorldStreamDrawParameters>();
		Parameters->VS = QuadParameters;
		Parameters->PS.MinAlpha = DrawSettings.MinAlpha;
		Parameters->DrawArgs = DrawArgs;
		Parameters->RenderTargets[0] = bComposite ? FRenderTargetBinding(SplatColour, ERenderTargetLoadAction::EClear)
												  : FRenderTargetBinding(SceneColor, ERenderTargetLoadAction::ELoad);
		Parameters->RenderTargets.DepthStencil = FDepthStencilBinding(SceneDepth, ERenderTargetLoadAction::ELoad,
			ERenderTargetLoadAction::ENoAction, FExclusiveDepthStencil::DepthRead_StencilNop);
		AddQuadPass(GraphBuilder, RDG_EVENT_NAME("Draw"), Parameters, VertexShader, TShaderMapRef<FWorldStreamSplatPS>(ShaderMap), DrawRect,
			TStaticBlendState<CW_RGBA, BO_Add, BF_One, BF_InverseSourceAlpha, BO_Add, BF_One, BF_InverseSourceAlpha>::GetRHI(),
			TStaticDepthStencilState<false, CF_DepthNearOrEqual>::GetRHI());
	}

	// 3b. The splats' target over scene colour: one triangle over the view rectangle, the
	// premultiplied display colour decoded to linear light and pre-exposed, blended "over".
	if (bComposite)
	{
		FWorldStreamCompositeParameters* Parameters = GraphBuilder.AllocParameters<FWorldStreamCompositeParameters>();
		Parameters->PS.SplatColour = SplatColour;
		Parameters->PS.CompositePreExposure = View.PreExposure;
		Parameters->RenderTargets[0] = FRenderTargetBinding(SceneColor, ERenderTargetLoadAction::ELoad);
		TShaderMapRef<FWorldStreamCompositeVS> CompositeVertexShader(ShaderMap);
		TShaderMapRef<FWorldStreamCompositePS> CompositePixelShader(ShaderMap);
		GraphBuilder.AddPass(RDG_EVENT_NAME("Composite"), Parameters, ERDGPassFlags::Raster,
			[Parameters, CompositeVertexShader, CompositePixelShader, DrawRect](FRHICommandList& RHICmdList)
			{
				FGraphicsPipelineStateInitializer PSO;
				RHICmdList.ApplyCachedRenderTargets(PSO);
				PSO.BlendState = TStaticBlendState<CW_RGBA, BO_Add, BF_One, BF_InverseSourceAlpha, BO_Add, BF_One, BF_InverseSourceAlpha>::GetRHI();
				PSO.RasterizerState = TStaticRasterizerState<FM_Solid, CM_None>::GetRHI();
				PSO.DepthStencilState = TStaticDepthStencilState<false, CF_Always>::GetRHI();
				PSO.BoundShaderState.VertexDeclarationRHI = GEmptyVertexDeclaration.VertexDeclarationRHI;
				PSO.BoundShaderState.VertexShaderRHI = CompositeVertexShader.GetVertexShader();
				PSO.BoundShaderState.PixelShaderRHI = CompositePixelShader.GetPixelShader();
				PSO.PrimitiveType = PT_TriangleList;
				SetGraphicsPipelineState(RHICmdList, PSO, 0);
				RHICmdList.SetViewport(DrawRect.Min.X, DrawRect.Min.Y, 0.0f, DrawRect.Max.X, DrawRect.Max.Y, 1.0f);
				SetShaderParameters(RHICmdList, CompositePixelShader, CompositePixelShader.GetPixelShader(), Parameters->PS);
				RHICmdList.SetStreamSource(0, nullptr, 0);
				RHICmdList.DrawPrimitive(0, 1, 1);
			});
	}

	// 4. The same quads again: where one splat covers at least DepthAlphaThreshold of a pixel, the
	// nearest such splat's depth goes into scene depth (translucency drawn after this sorts
	// against it) and 0, "no object motion", into the velocity texture (TSR/TAA then reproject
	// the pixel by that depth and the camera's motion, which is a static splat's motion).
	if (DrawSettings.DepthAlphaThreshold < 1.0f)
	{
		const bool bWriteVelocity = IsWritableVelocity(SceneVelocity, SceneDepth);
		FWorldStreamDepthDrawParameters* Parameters = GraphBuilder.AllocParameters<FWorldStreamDepthDrawParameters>();
		Parameters->VS = QuadParameters;
		Parameters->PS.DepthAlphaThreshold = DrawSettings.DepthAlphaThreshold;
		Parameters->DrawArgs = DrawArgs;
		if (bWriteVelocity)
		{
			Parameters->RenderTargets[0] = FRenderTargetBinding(SceneVelocity, ERenderTargetLoadAction::ELoad);
		}
		Parameters->RenderTargets.DepthStencil = FDepthStencilBinding(SceneDepth, ERenderTargetLoadAction::ELoad,
			ERenderTargetLoadAction::ENoAction, FExclusiveDepthStencil::DepthWrite_StencilNop);
		// Reversed Z: the nearest dense splat wins, and none behind opaque geometry.
		FRHIBlendState* const BlendState = TStaticBlendState<>::GetRHI();
		FRHIDepthStencilState* const DepthState = TStaticDepthStencilState<true, CF_DepthNearOrEqual>::GetRHI();
		if (bWriteVelocity)
		{
			AddQuadPass(GraphBuilder, RDG_EVENT_NAME("DepthVelocity"), Parameters, VertexShader,
				TShaderMapRef<FWorldStreamSplatDepthVelocityPS>(ShaderMap), DrawRect, BlendState, DepthState);
		}
		else
		{
			AddQuadPass(GraphBuilder, RDG_EVENT_NAME("Depth"), Parameters, VertexShader,
				TShaderMapRef<FWorldStreamSplatDepthPS>(ShaderMap), DrawRect, BlendState, DepthState);
		}
	}
}
