// Stand-in for Runtime/Core/Public/UObject/NameTypes.h: FName, implicitly made from a TCHAR
// string (FName(const TCHAR* Name, EFindName FindType = FNAME_Add)).
// Not read in an engine source copy here: these signatures follow the engine's documented API
// as the plugin calls it, and need checking against an engine tree.
#pragma once

#include "CoreTypes.h"

enum EFindName { FNAME_Find, FNAME_Add };

class FName
{
public:
	FName() = default;
	FName(const TCHAR* Name, EFindName FindType = FNAME_Add);
};
