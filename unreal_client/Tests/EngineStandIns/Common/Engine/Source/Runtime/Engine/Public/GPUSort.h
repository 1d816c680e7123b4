// Stand-in for Runtime/Engine/Public/GPUSort.h as in the UE 5.3+ line (chenyong2github/UnrealEngine,
// whose GPUSort.cpp of that line uses FRHIBatchedShaderParameters): FGPUSortBuffers and
// SortGPUBuffers taking an FRHICommandList& (older releases took FRHICommandListImmediate&).
#pragma once

#include "CoreMinimal.h"
#include "RHI.h"
#include "RHICommandList.h"

struct FGPUSortBuffers
{
	FRHIShaderResourceView* RemoteKeySRVs[2];
	FRHIUnorderedAccessView* RemoteKeyUAVs[2];
	FRHIShaderResourceView* RemoteValueSRVs[2];
	FRHIUnorderedAccessView* RemoteValueUAVs[2];
	FRHIShaderResourceView* FirstValuesSRV = nullptr;
	FRHIUnorderedAccessView* FinalValuesUAV = nullptr;
	FGPUSortBuffers() {}
};

ENGINE_API int32 SortGPUBuffers(FRHICommandList& RHICmdList, FGPUSortBuffers SortBuffers, int32 BufferIndex, uint32 KeyMask, int32 Count,
	ERHIFeatureLevel::Type FeatureLevel);
