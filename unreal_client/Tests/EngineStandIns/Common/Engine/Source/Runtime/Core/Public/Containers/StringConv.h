// Stand-in for Runtime/Core/Public/Containers/StringConv.h: TCHAR_TO_UTF8 and UTF8_TO_TCHAR,
// which the engine defines as casts of a temporary converter's Get() (ANSICHAR* and TCHAR*).
#pragma once

#include "CoreTypes.h"

class FTCHARToUTF8
{
public:
	explicit FTCHARToUTF8(const TCHAR* Source);
	const ANSICHAR* Get() const;
};

class FUTF8ToTCHAR
{
public:
	explicit FUTF8ToTCHAR(const ANSICHAR* Source);
	const TCHAR* Get() const;
};

#define TCHAR_TO_UTF8(str) (ANSICHAR*)FTCHARToUTF8((const TCHAR*)str).Get()
#define UTF8_TO_TCHAR(str) (TCHAR*)FUTF8ToTCHAR((const ANSICHAR*)str).Get()
