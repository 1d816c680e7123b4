// Stand-in for Runtime/Core/Public/Misc/Paths.h: FPaths::Combine over string-like pieces.
// Not read in an engine source copy here: these signatures follow the engine's documented API
// as the plugin calls it, and need checking against an engine tree.
#pragma once

#include <type_traits>

#include "Containers/UnrealString.h"

class FPaths
{
public:
	template <typename... PathTypes>
	static FString Combine(PathTypes&&... InPaths)
	{
		static_assert(((std::is_convertible_v<PathTypes, FString>) && ...), "FPaths::Combine joins strings");
		return FString();
	}
};
