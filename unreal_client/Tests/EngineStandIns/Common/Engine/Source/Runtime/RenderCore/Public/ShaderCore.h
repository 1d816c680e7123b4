// Stand-in for Runtime/RenderCore/Public/ShaderCore.h: FShaderCompilerEnvironment::SetDefine and
// AddShaderSourceDirectoryMapping(const FString& VirtualShaderDirectory, const FString&
// RealShaderDirectory).
#pragma once

#include "CoreMinimal.h"

class FShaderCompilerEnvironment
{
public:
	void SetDefine(const TCHAR* Name, const TCHAR* Value);
	void SetDefine(const TCHAR* Name, uint32 Value);
	void SetDefine(const TCHAR* Name, int32 Value);
	void SetDefine(const TCHAR* Name, bool Value);
	void SetDefine(const TCHAR* Name, float Value);
};

extern RENDERCORE_API void AddShaderSourceDirectoryMapping(const FString& VirtualShaderDirectory, const FString& RealShaderDirectory);
