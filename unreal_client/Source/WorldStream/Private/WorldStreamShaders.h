// The global shaders of Shaders/Private/WorldStreamSplats.usf.
#pragma once

#include "GlobalShader.h"
#include "ShaderParameterStruct.h"

/**
 * One thread per pool splat: culls, keys visible splats by depth and counts them into the draw's
 * arguments. Dispatched with FComputeShaderUtils::GetGroupCountWrapped's group counts
 * (worldstream::group_count_wrapped); the shader unwraps its pool index.
 */
class FWorldStreamProjectCS : public FGlobalShader
{
public:
	DECLARE_GLOBAL_SHADER(FWorldStreamProjectCS);
	SHADER_USE_PARAMETER_STRUCT(FWorldStreamProjectCS, FGlobalShader);

	static constexpr uint32 ThreadGroupSize = 64;

	BEGIN_SHADER_PARAMETER_STRUCT(FParameters, )
		SHADER_PARAMETER_RDG_BUFFER_SRV(StructuredBuffer<FWorldStreamSplat>, Splats)
		SHADER_PARAMETER_RDG_BUFFER_SRV(StructuredBuffer<FWorldStreamTile>, Tiles)
		SHADER_PARAMETER_RDG_BUFFER_UAV(RWBuffer<uint>, SortKeys)
		SHADER_PARAMETER_RDG_BUFFER_UAV(RWBuffer<uint>, SortValues)
		SHADER_PARAMETER_RDG_BUFFER_UAV(RWBuffer<uint>, DrawArgs)
		SHADER_PARAMETER(FMatrix44f, TranslatedWorldToClip)
		SHADER_PARAMETER(uint32, SplatCount)
		SHADER_PARAMETER(uint32, TileCount)
		SHADER_PARAMETER(float, NearCullDepth)
		SHADER_PARAMETER(float, FrustumMargin)
	END_SHADER_PARAMETER_STRUCT()

	static bool ShouldCompilePermutation(const FGlobalShaderPermutationParameters& Parameters)
	{
		return IsFeatureLevelSupported(Parameters.Platform, ERHIFeatureLevel::SM5);
	}

	static void ModifyCompilationEnvironment(const FGlobalShaderPermutationParameters& Parameters, FShaderCompilerEnvironment& Environment)
	{
		FGlobalShader::ModifyCompilationEnvironment(Parameters, Environment);
		Environment.SetDefine(TEXT("THREADGROUP_SIZE"), ThreadGroupSize);
	}
};

/** Instanced quads: instance i draws the i-th splat of the sorted list. */
class FWorldStreamSplatVS : public FGlobalShader
{
public:
	DECLARE_GLOBAL_SHADER(FWorldStreamSplatVS);
	SHADER_USE_PARAMETER_STRUCT(FWorldStreamSplatVS, FGlobalShader);

	BEGIN_SHADER_PARAMETER_STRUCT(FParameters, )
		SHADER_PARAMETER_RDG_BUFFER_SRV(StructuredBuffer<FWorldStreamSplat>, DrawSplats)
		SHADER_PARAMETER_RDG_BUFFER_SRV(StructuredBuffer<FWorldStreamTile>, DrawTiles)
		SHADER_PARAMETER_RDG_BUFFER_SRV(Buffer<uint>, SortedIndices)
		SHADER_PARAMETER(FMatrix44f, DrawTranslatedWorldToClip)
		SHADER_PARAMETER(FMatrix44f, TranslatedWorldToView)
		SHADER_PARAMETER(FVector2f, FocalPixels)
		SHADER_PARAMETER(FVector2f, ViewSizePixels)
		SHADER_PARAMETER(float, PreExposure)
		SHADER_PARAMETER(float, MaxRadiusPixels)
		SHADER_PARAMETER(float, LinearColour)
	END_SHADER_PARAMETER_STRUCT()

	static bool ShouldCompilePermutation(const FGlobalShaderPermutationParameters& Parameters)
	{
		return IsFeatureLevelSupported(Parameters.Platform, ERHIFeatureLevel::SM5);
	}

	static void ModifyCompilationEnvironment(const FGlobalShaderPermutationParameters& Parameters, FShaderCompilerEnvironment& Environment)
	{
		FGlobalShader::ModifyCompilationEnvironment(Parameters, Environment);
		Environment.SetDefine(TEXT("WORLDSTREAM_DRAW"), 1);
	}
};

/** Evaluates each splat's Gaussian on its quad; premultiplied output. */
class FWorldStreamSplatPS : public FGlobalShader
{
public:
	DECLARE_GLOBAL_SHADER(FWorldStreamSplatPS);
	SHADER_USE_PARAMETER_STRUCT(FWorldStreamSplatPS, FGlobalShader);

	BEGIN_SHADER_PARAMETER_STRUCT(FParameters, )
		SHADER_PARAMETER(float, MinAlpha)
	END_SHADER_PARAMETER_STRUCT()

	static bool ShouldCompilePermutation(const FGlobalShaderPermutationParameters& Parameters)
	{
		return IsFeatureLevelSupported(Parameters.Platform, ERHIFeatureLevel::SM5);
	}

	static void ModifyCompilationEnvironment(const FGlobalShaderPermutationParameters& Parameters, FShaderCompilerEnvironment& Environment)
	{
		FGlobalShader::ModifyCompilationEnvironment(Parameters, Environment);
		Environment.SetDefine(TEXT("WORLDSTREAM_DRAW"), 1);
	}
};

BEGIN_SHADER_PARAMETER_STRUCT(FWorldStreamSplatDepthParameters, )
	SHADER_PARAMETER(float, DepthAlphaThreshold)
END_SHADER_PARAMETER_STRUCT()

/** The same quads again: writes scene depth where a splat's own alpha reaches the threshold. */
class FWorldStreamSplatDepthPS : public FGlobalShader
{
public:
	DECLARE_GLOBAL_SHADER(FWorldStreamSplatDepthPS);
	using FParameters = FWorldStreamSplatDepthParameters;
	SHADER_USE_PARAMETER_STRUCT(FWorldStreamSplatDepthPS, FGlobalShader);

	static bool ShouldCompilePermutation(const FGlobalShaderPermutationParameters& Parameters)
	{
		return IsFeatureLevelSupported(Parameters.Platform, ERHIFeatureLevel::SM5);
	}

	static void ModifyCompilationEnvironment(const FGlobalShaderPermutationParameters& Parameters, FShaderCompilerEnvironment& Environment)
	{
		FGlobalShader::ModifyCompilationEnvironment(Parameters, Environment);
		Environment.SetDefine(TEXT("WORLDSTREAM_DRAW"), 1);
	}
};

/** As FWorldStreamSplatDepthPS, and writes "no object motion" (0) into the velocity texture there. */
class FWorldStreamSplatDepthVelocityPS : public FGlobalShader
{
public:
	DECLARE_GLOBAL_SHADER(FWorldStreamSplatDepthVelocityPS);
	using FParameters = FWorldStreamSplatDepthParameters;
	SHADER_USE_PARAMETER_STRUCT(FWorldStreamSplatDepthVelocityPS, FGlobalShader);

	static bool ShouldCompilePermutation(const FGlobalShaderPermutationParameters& Parameters)
	{
		return IsFeatureLevelSupported(Parameters.Platform, ERHIFeatureLevel::SM5);
	}

	static void ModifyCompilationEnvironment(const FGlobalShaderPermutationParameters& Parameters, FShaderCompilerEnvironment& Environment)
	{
		FGlobalShader::ModifyCompilationEnvironment(Parameters, Environment);
		Environment.SetDefine(TEXT("WORLDSTREAM_DRAW"), 1);
	}
};

/** One triangle over the view: the composite of the splats' display-value target. */
class FWorldStreamCompositeVS : public FGlobalShader
{
public:
	DECLARE_GLOBAL_SHADER(FWorldStreamCompositeVS);
	SHADER_USE_PARAMETER_STRUCT(FWorldStreamCompositeVS, FGlobalShader);

	BEGIN_SHADER_PARAMETER_STRUCT(FParameters, )
	END_SHADER_PARAMETER_STRUCT()

	static bool ShouldCompilePermutation(const FGlobalShaderPermutationParameters& Parameters)
	{
		return IsFeatureLevelSupported(Parameters.Platform, ERHIFeatureLevel::SM5);
	}

	static void ModifyCompilationEnvironment(const FGlobalShaderPermutationParameters& Parameters, FShaderCompilerEnvironment& Environment)
	{
		FGlobalShader::ModifyCompilationEnvironment(Parameters, Environment);
		Environment.SetDefine(TEXT("WORLDSTREAM_COMPOSITE"), 1);
	}
};

/** The splats' premultiplied display colours, decoded to linear light and pre-exposed, over scene colour. */
class FWorldStreamCompositePS : public FGlobalShader
{
public:
	DECLARE_GLOBAL_SHADER(FWorldStreamCompositePS);
	SHADER_USE_PARAMETER_STRUCT(FWorldStreamCompositePS, FGlobalShader);

	BEGIN_SHADER_PARAMETER_STRUCT(FParameters, )
		SHADER_PARAMETER_RDG_TEXTURE(Texture2D, SplatColour)
		SHADER_PARAMETER(float, CompositePreExposure)
	END_SHADER_PARAMETER_STRUCT()

	static bool ShouldCompilePermutation(const FGlobalShaderPermutationParameters& Parameters)
	{
		return IsFeatureLevelSupported(Parameters.Platform, ERHIFeatureLevel::SM5);
	}

	static void ModifyCompilationEnvironment(const FGlobalShaderPermutationParameters& Parameters, FShaderCompilerEnvironment& Environment)
	{
		FGlobalShader::ModifyCompilationEnvironment(Parameters, Environment);
		Environment.SetDefine(TEXT("WORLDSTREAM_COMPOSITE"), 1);
	}
};
