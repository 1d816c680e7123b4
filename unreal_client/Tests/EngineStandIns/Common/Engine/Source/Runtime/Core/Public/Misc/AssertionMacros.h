// Stand-in for Runtime/Core/Public/Misc/AssertionMacros.h: check, checkf, checkSlow, ensure,
// ensureMsgf (in the engine they assert; here their condition and message only type-check).
#pragma once

#include "CoreTypes.h"

template <typename... Types>
inline bool AssertionStandIn(bool bCondition, const Types&...)
{
	return bCondition;
}

#define check(expr) (void)AssertionStandIn(!!(expr))
#define checkSlow(expr) (void)AssertionStandIn(!!(expr))
#define checkf(expr, format, ...) (void)AssertionStandIn(!!(expr), format, ##__VA_ARGS__)
#define ensure(expr) AssertionStandIn(!!(expr))
#define ensureMsgf(expr, format, ...) AssertionStandIn(!!(expr), format, ##__VA_ARGS__)
