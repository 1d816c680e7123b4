// Stand-in for Runtime/Core/Public/Math/UnrealMathUtility.h: the FMath members used (Max, Min,
// Clamp as templates over one type; Lerp(A, B, Alpha) over two; DivideAndRoundUp as in the engine).
#pragma once

#include "CoreTypes.h"

struct FMath
{
	template <class T> static constexpr T Max(const T A, const T B) { return (B < A) ? A : B; }
	template <class T> static constexpr T Min(const T A, const T B) { return (A < B) ? A : B; }
	template <class T> static constexpr T Clamp(const T X, const T MinValue, const T MaxValue) { return X < MinValue ? MinValue : X < MaxValue ? X : MaxValue; }
	template <class T, class U> static constexpr T Lerp(const T& A, const T& B, const U& Alpha) { return (T)(A + (B - A) * Alpha); }
	template <class T> static constexpr T DivideAndRoundUp(T Dividend, T Divisor) { return (Dividend + Divisor - 1) / Divisor; }
};
