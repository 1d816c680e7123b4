// Stand-in for Runtime/Core/Public/Misc/EnumClassFlags.h: ENUM_CLASS_FLAGS and EnumHasAnyFlags.
#pragma once

#include <type_traits>

#define ENUM_CLASS_FLAGS(Enum) \
	inline constexpr Enum operator|(Enum A, Enum B) { return Enum(std::underlying_type_t<Enum>(A) | std::underlying_type_t<Enum>(B)); } \
	inline constexpr Enum operator&(Enum A, Enum B) { return Enum(std::underlying_type_t<Enum>(A) & std::underlying_type_t<Enum>(B)); } \
	inline Enum& operator|=(Enum& A, Enum B) { return A = A | B; } \
	inline constexpr bool operator!(Enum E) { return !std::underlying_type_t<Enum>(E); }

template <typename Enum>
constexpr bool EnumHasAnyFlags(Enum Flags, Enum Contains)
{
	return (std::underlying_type_t<Enum>(Flags) & std::underlying_type_t<Enum>(Contains)) != 0;
}
