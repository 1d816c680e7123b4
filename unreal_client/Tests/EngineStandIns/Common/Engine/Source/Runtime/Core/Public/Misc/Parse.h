// Stand-in for Runtime/Core/Public/Misc/Parse.h: the FString overload of FParse::Value.
#pragma once

#include "Containers/UnrealString.h"

struct FParse
{
	static bool Value(const TCHAR* Stream, const TCHAR* Match, FString& Value, bool bShouldStopOnSeparator = true, const TCHAR** OptStreamGotTo = nullptr);
};
