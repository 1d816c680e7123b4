// Stand-in for Runtime/RHI/Public/PipelineStateCache.h: SetGraphicsPipelineState as declared in
// UE 5.3/5.4 (the StencilRef parameter follows the initializer).
#pragma once

#include "RHICommandList.h"

enum class EApplyRendertargetOption : int
{
	DoNothing = 0,
	ForceApply = 1 << 0,
	CheckApply = 1 << 1,
};

extern RHI_API void SetGraphicsPipelineState(FRHICommandList& RHICmdList, const FGraphicsPipelineStateInitializer& Initializer,
	uint32 StencilRef, EApplyRendertargetOption ApplyFlags = EApplyRendertargetOption::CheckApply, bool bApplyAdditionalState = true);
