// Stand-in for Runtime/RenderCore/Public/ShaderParameterStruct.h: SHADER_USE_PARAMETER_STRUCT
// (a constructor that binds the class's FParameters, as the engine's does, and
// GetRootParametersMetadata) and SetShaderParameters(RHICmdList, Shader, ShaderRHI, Parameters),
// whose Parameters type is the shader class's FParameters.
#pragma once

#include "GlobalShader.h"
#include "ShaderParameterMacros.h"

template <typename ParameterStructType>
void BindForLegacyShaderParameters(FShader* Shader, int32 PermutationId, const FShaderParameterMap& ParameterMap, bool bShouldBindEverything);

#define SHADER_USE_PARAMETER_STRUCT(ShaderClass, ShaderParentClass) \
	ShaderClass(const ShaderMetaType::CompiledShaderInitializerType& Initializer) \
		: ShaderParentClass(Initializer) \
	{ \
		BindForLegacyShaderParameters<FParameters>(this, Initializer.PermutationId, Initializer.ParameterMap, true); \
	} \
	ShaderClass() {} \
	static inline const FShaderParametersMetadata* GetRootParametersMetadata() { return FParameters::FTypeInfo::GetStructMetadata(); }

template <typename TRHICmdList, typename TShaderClass, typename TShaderRHI>
inline void SetShaderParameters(TRHICmdList& RHICmdList, const TShaderRef<TShaderClass>& Shader, TShaderRHI* ShaderRHI,
	const typename TShaderClass::FParameters& Parameters)
{
}
