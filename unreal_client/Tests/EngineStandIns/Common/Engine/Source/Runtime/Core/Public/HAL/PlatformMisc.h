// Stand-in for Runtime/Core/Public/HAL/PlatformMisc.h (GenericPlatformMisc.h, UE 5.x):
// GetEnvironmentVariable returns an FString.
#pragma once

#include "Containers/UnrealString.h"

struct FPlatformMisc
{
	static FString GetEnvironmentVariable(const TCHAR* VariableName);
};
