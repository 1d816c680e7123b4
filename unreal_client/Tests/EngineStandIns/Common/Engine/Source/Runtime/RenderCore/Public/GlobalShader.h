// Stand-in for Runtime/RenderCore/Public/GlobalShader.h: FGlobalShader, FGlobalShaderMap,
// GetGlobalShaderMap(ERHIFeatureLevel::Type), FGlobalShaderPermutationParameters (Platform),
// IsFeatureLevelSupported, DECLARE_GLOBAL_SHADER and IMPLEMENT_GLOBAL_SHADER (which defines the
// type's static registration, as the engine's does, from the class, file, entry and frequency).
#pragma once

#include "Shader.h"

enum EShaderFrequency : uint8 { SF_Vertex, SF_Mesh, SF_Amplification, SF_Pixel, SF_Geometry, SF_Compute };

class FGlobalShaderMap {};
extern RENDERCORE_API FGlobalShaderMap* GetGlobalShaderMap(ERHIFeatureLevel::Type FeatureLevel);

struct FGlobalShaderPermutationParameters
{
	const EShaderPlatform Platform;
	const int32 PermutationId;
};

extern RHI_API bool IsFeatureLevelSupported(EShaderPlatform InShaderPlatform, ERHIFeatureLevel::Type InFeatureLevel);

class FGlobalShader : public FShader
{
public:
	using ShaderMapType = FGlobalShaderMap;
	FGlobalShader() = default;
	explicit FGlobalShader(const FShader::FCompiledShaderInitializerType& Initializer) : FShader(Initializer) {}
	static void ModifyCompilationEnvironment(const FGlobalShaderPermutationParameters& Parameters, FShaderCompilerEnvironment& OutEnvironment) {}
};

class FGlobalShaderType
{
public:
	using CompiledShaderInitializerType = FShader::FCompiledShaderInitializerType;
	FGlobalShaderType(const TCHAR* Name, const TCHAR* SourceFilename, const TCHAR* FunctionName, EShaderFrequency Frequency);
};

#define DECLARE_GLOBAL_SHADER(ShaderClass) \
	public: \
		using ShaderMetaType = FGlobalShaderType; \
		static ShaderMetaType& GetStaticType();

#define IMPLEMENT_GLOBAL_SHADER(ShaderClass, SourceFilename, FunctionName, Frequency) \
	ShaderClass::ShaderMetaType& ShaderClass::GetStaticType() \
	{ \
		static ShaderClass::ShaderMetaType StaticType(TEXT(#ShaderClass), TEXT(SourceFilename), TEXT(FunctionName), Frequency); \
		return StaticType; \
	}
