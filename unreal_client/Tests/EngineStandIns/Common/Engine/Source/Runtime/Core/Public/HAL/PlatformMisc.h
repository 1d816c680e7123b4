// Stand-in for Runtime/Core/Public/HAL/PlatformMisc.h (GenericPlatformMisc.h, UE 5.x):
// GetEnvironmentVariable returns an FString.
// Not read in an engine source copy here: these signatures follow the engine's documented API
// as the plugin calls it, and need checking against an engine tree.
#pragma once

#include "Containers/UnrealString.h"

struct FPlatformMisc
{
	static FString GetEnvironmentVariable(const TCHAR* VariableName);
};
