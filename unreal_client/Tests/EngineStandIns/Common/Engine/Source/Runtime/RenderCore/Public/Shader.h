// Stand-in for Runtime/RenderCore/Public/Shader.h: FShader (with the shader-type typedefs the
// DECLARE_* macros give), TShaderRef (GetVertexShader, GetPixelShader, GetComputeShader) and
// TShaderMapRef(const ShaderMapType*), the latter as the engine declares it for global shaders.
#pragma once

#include "RHI.h"
#include "ShaderCore.h"

class FShaderParameterMap {};

class FShader
{
public:
	struct FCompiledShaderInitializerType
	{
		const FShaderParameterMap& ParameterMap;
		int32 PermutationId;
	};
	FShader() = default;
	explicit FShader(const FCompiledShaderInitializerType& Initializer) {}
};

template <typename ShaderType>
class TShaderRef
{
public:
	TShaderRef() = default;
	template <typename OtherShaderType, typename = std::enable_if_t<std::is_base_of_v<ShaderType, OtherShaderType>>>
	TShaderRef(const TShaderRef<OtherShaderType>& Rhs) {}
	ShaderType* operator->() const;
	FRHIVertexShader* GetVertexShader() const;
	FRHIPixelShader* GetPixelShader() const;
	FRHIComputeShader* GetComputeShader() const;
};

template <typename ShaderType>
class TShaderMapRef : public TShaderRef<ShaderType>
{
public:
	explicit TShaderMapRef(const typename ShaderType::ShaderMapType* ShaderIndex);
};
