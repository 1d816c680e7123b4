// Stand-in for Runtime/Core/Public/Containers/StringView.h: FStringView (TStringView<TCHAR>),
// implicitly made from a TCHAR string or an FString, as IPluginManager::FindPlugin takes it.
#pragma once

#include "Containers/UnrealString.h"

template <typename CharType>
class TStringView
{
public:
	TStringView(const CharType* InData);
	TStringView(const FString& InString);
};

using FStringView = TStringView<TCHAR>;
