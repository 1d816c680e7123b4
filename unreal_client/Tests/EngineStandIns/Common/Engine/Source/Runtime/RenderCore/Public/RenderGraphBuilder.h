// Stand-in for Runtime/RenderCore/Public/RenderGraphBuilder.h (UE 5.3/5.4): the FRDGBuilder
// members the plugin calls, with the engine's parameter lists.
#pragma once

#include "RHICommandList.h"
#include "RenderGraphResources.h"

class FRDGBuilder
{
public:
	FRDGBufferRef CreateBuffer(const FRDGBufferDesc& Desc, const TCHAR* Name, ERDGBufferFlags Flags = ERDGBufferFlags::None);
	FRDGTextureRef CreateTexture(const FRDGTextureDesc& Desc, const TCHAR* Name, ERDGTextureFlags Flags = ERDGTextureFlags::None);

	FRDGBufferSRVRef CreateSRV(const FRDGBufferSRVDesc& Desc);
	FRDGBufferSRVRef CreateSRV(FRDGBufferRef Buffer, EPixelFormat Format) { return CreateSRV(FRDGBufferSRVDesc(Buffer, Format)); }

	FRDGBufferUAVRef CreateUAV(const FRDGBufferUAVDesc& Desc, ERDGUnorderedAccessViewFlags Flags = ERDGUnorderedAccessViewFlags::None);
	FRDGBufferUAVRef CreateUAV(FRDGBufferRef Buffer, EPixelFormat Format, ERDGUnorderedAccessViewFlags Flags = ERDGUnorderedAccessViewFlags::None)
	{
		return CreateUAV(FRDGBufferUAVDesc(Buffer, Format), Flags);
	}

	FRDGBufferRef RegisterExternalBuffer(const TRefCountPtr<FRDGPooledBuffer>& ExternalPooledBuffer, ERDGBufferFlags Flags = ERDGBufferFlags::None);
	const TRefCountPtr<FRDGPooledBuffer>& ConvertToExternalBuffer(FRDGBufferRef Buffer);

	template <typename ParameterStructType>
	ParameterStructType* AllocParameters()
	{
		return nullptr;
	}

	/** The engine's pass lambdas take the RHI command list the pass records into. */
	template <typename ParameterStructType, typename ExecuteLambdaType>
	FRDGPassRef AddPass(FRDGEventName&& Name, const ParameterStructType* ParameterStruct, ERDGPassFlags Flags, ExecuteLambdaType&& ExecuteLambda)
	{
		static_assert(std::is_invocable_v<ExecuteLambdaType&, FRHICommandList&> || std::is_invocable_v<ExecuteLambdaType&, FRHIComputeCommandList&> ||
				std::is_invocable_v<ExecuteLambdaType&, FRHICommandListImmediate&>,
			"an RDG pass lambda takes FRHICommandList&, FRHIComputeCommandList& or FRHICommandListImmediate&");
		return nullptr;
	}
};
