// Stand-in for Runtime/RenderCore/Public/RenderGraphUtils.h (read in the UE 5.3+/5.4 line of
// izzy2lost/UnrealEngineUWP): CreateStructuredBuffer, AddCopyBufferPass, AddClearUAVPass and
// FComputeShaderUtils::GetGroupCount / GetGroupCountWrapped / AddPass. It includes what the
// engine's includes of these (RHI.h, RenderGraphBuilder.h, RenderGraphResources.h,
// RendererInterface.h, Shader.h, ShaderParameterMacros.h, ShaderParameterStruct.h,
// PipelineStateCache.h); not CommonRenderResources.h, which the engine's does not include either.
#pragma once

#include "PipelineStateCache.h"
#include "RHI.h"
#include "RHICommandList.h"
#include "RenderGraphBuilder.h"
#include "RenderGraphResources.h"
#include "RendererInterface.h"
#include "Shader.h"
#include "ShaderParameterMacros.h"
#include "ShaderParameterStruct.h"

RENDERCORE_API FRDGBufferRef CreateStructuredBuffer(FRDGBuilder& GraphBuilder, const TCHAR* Name, uint32 BytesPerElement, uint32 NumElements,
	const void* InitialData, uint64 InitialDataSize, ERDGInitialDataFlags InitialDataFlags = ERDGInitialDataFlags::None);
RENDERCORE_API void AddCopyBufferPass(FRDGBuilder& GraphBuilder, FRDGBufferRef DstBuffer, uint64 DstOffset, FRDGBufferRef SrcBuffer, uint64 SrcOffset,
	uint64 NumBytes);
RENDERCORE_API void AddClearUAVPass(FRDGBuilder& GraphBuilder, FRDGBufferUAVRef BufferUAV, uint32 Value,
	ERDGPassFlags ComputePassFlags = ERDGPassFlags::Compute);

namespace FComputeShaderUtils
{
	static constexpr int32 WrappedGroupStride = 128;

	inline FIntVector GetGroupCount(const int32 ThreadCount, const int32 GroupSize)
	{
		return FIntVector(FMath::DivideAndRoundUp(ThreadCount, GroupSize), 1, 1);
	}

	inline FIntVector GetGroupCountWrapped(const int32 TargetGroupCount)
	{
		FIntVector GroupCount(TargetGroupCount, 1, 1);
		if (GroupCount.X > GRHIMaxDispatchThreadGroupsPerDimension.X)
		{
			GroupCount.Y = FMath::DivideAndRoundUp(GroupCount.X, WrappedGroupStride);
			GroupCount.X = WrappedGroupStride;
		}
		if (GroupCount.Y > GRHIMaxDispatchThreadGroupsPerDimension.Y)
		{
			GroupCount.Z = FMath::DivideAndRoundUp(GroupCount.Y, WrappedGroupStride);
			GroupCount.Y = WrappedGroupStride;
		}
		return GroupCount;
	}

	inline FIntVector GetGroupCountWrapped(const int32 ThreadCount, const int32 GroupSize)
	{
		return GetGroupCountWrapped(FMath::DivideAndRoundUp(ThreadCount, GroupSize));
	}

	template <typename TShaderClass>
	inline FRDGPassRef AddPass(FRDGBuilder& GraphBuilder, FRDGEventName&& PassName, const TShaderRef<TShaderClass>& ComputeShader,
		typename TShaderClass::FParameters* Parameters, FIntVector GroupCount)
	{
		return nullptr;
	}
}
