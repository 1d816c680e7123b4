// Stand-in for Runtime/Core/Public/UObject/NameTypes.h: FName, implicitly made from a TCHAR
// string (FName(const TCHAR* Name, EFindName FindType = FNAME_Add)).
#pragma once

#include "CoreTypes.h"

enum EFindName { FNAME_Find, FNAME_Add };

class FName
{
public:
	FName() = default;
	FName(const TCHAR* Name, EFindName FindType = FNAME_Add);
};
