// Stand-in for Runtime/Core/Public/Misc/CommandLine.h: FCommandLine::Get.
#pragma once

#include "CoreTypes.h"

struct FCommandLine
{
	static const TCHAR* Get();
};
