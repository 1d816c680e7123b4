// Stand-in for Runtime/Core/Public/Misc/FileHelper.h: FFileHelper::LoadFileToString(FString&,
// const TCHAR* Filename, EHashOptions = None, uint32 ReadFlags = 0).
// Not read in an engine source copy here: these signatures follow the engine's documented API
// as the plugin calls it, and need checking against an engine tree.
#pragma once

#include "Containers/UnrealString.h"

struct FFileHelper
{
	enum class EHashOptions { None = 0, EnableVerify = 1 << 0, ErrorMissingHash = 1 << 1 };
	static bool LoadFileToString(FString& Result, const TCHAR* Filename, EHashOptions VerifyFlags = EHashOptions::None, uint32 ReadFlags = 0);
};
