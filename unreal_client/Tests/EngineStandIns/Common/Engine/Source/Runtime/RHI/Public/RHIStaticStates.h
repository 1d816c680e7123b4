// Stand-in for Runtime/RHI/Public/RHIStaticStates.h: TStaticBlendState, TStaticRasterizerState
// and TStaticDepthStencilState with the leading template parameters the plugin passes, in the
// engine's order and with its defaults (RT0 colour write mask, blend op, source and destination
// factors, alpha op and factors; fill and cull mode; depth write and test). The engine's further
// parameters (render targets 1-7, alpha to coverage, stencil) all have defaults and are unused.
#pragma once

#include "RHI.h"

template <
	EColorWriteMask RT0ColorWriteMask = CW_RGBA,
	EBlendOperation RT0ColorBlendOp = BO_Add,
	EBlendFactor RT0ColorSrcBlend = BF_One,
	EBlendFactor RT0ColorDestBlend = BF_Zero,
	EBlendOperation RT0AlphaBlendOp = BO_Add,
	EBlendFactor RT0AlphaSrcBlend = BF_One,
	EBlendFactor RT0AlphaDestBlend = BF_Zero>
class TStaticBlendState
{
public:
	static FRHIBlendState* GetRHI();
};

template <ERasterizerFillMode FillMode = FM_Solid, ERasterizerCullMode CullMode = CM_None>
class TStaticRasterizerState
{
public:
	static FRHIRasterizerState* GetRHI();
};

template <bool bEnableDepthWrite = true, ECompareFunction DepthTest = CF_DepthNearOrEqual>
class TStaticDepthStencilState
{
public:
	static FRHIDepthStencilState* GetRHI();
};
