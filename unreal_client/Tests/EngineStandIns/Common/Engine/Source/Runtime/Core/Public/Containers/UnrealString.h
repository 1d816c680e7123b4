// Stand-in for Runtime/Core/Public/Containers/UnrealString.h: FString's members the plugin uses
// (construction from a TCHAR string, IsEmpty, operator* for the TCHAR string, ==, Printf, whose
// format must be a TCHAR literal as the engine's static_assert demands).
#pragma once

#include <string>
#include <type_traits>

#include "CoreTypes.h"

class FString
{
public:
	FString() = default;
	FString(const TCHAR* Str) : Data(Str ? Str : u"") {}
	bool IsEmpty() const { return Data.empty(); }
	const TCHAR* operator*() const { return Data.c_str(); }
	bool operator==(const FString& Other) const { return Data == Other.Data; }
	int32 Len() const { return int32(Data.size()); }

	template <typename FmtType, typename... Types>
	static FString Printf(const FmtType& Fmt, Types... Args)
	{
		static_assert(std::is_convertible_v<const FmtType&, const TCHAR*>, "Formatting string must be a TCHAR array.");
		return FString(Fmt);
	}

private:
	std::u16string Data;
};
