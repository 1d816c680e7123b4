// Stand-in for Runtime/Core/Public/Misc/Parse.h: the FString overload of FParse::Value.
// Not read in an engine source copy here: these signatures follow the engine's documented API
// as the plugin calls it, and need checking against an engine tree.
#pragma once

#include "Containers/UnrealString.h"

struct FParse
{
	static bool Value(const TCHAR* Stream, const TCHAR* Match, FString& Value, bool bShouldStopOnSeparator = true, const TCHAR** OptStreamGotTo = nullptr);
};
