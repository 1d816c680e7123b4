// Stand-in for Runtime/Core/Public/Math/Quat.h: FQuat (TQuat<double>): X, Y, Z, W, the (X, Y,
// Z, W) constructor, Identity, Rotator(), GetNormalized(Tolerance).
#pragma once

#include "CoreTypes.h"
#include "Math/Rotator.h"

namespace UE::Math
{
	template <typename T>
	struct TQuat
	{
		T X = 0, Y = 0, Z = 0, W = 1;
		static const TQuat<T> Identity;
		TQuat() = default;
		constexpr TQuat(T InX, T InY, T InZ, T InW) : X(InX), Y(InY), Z(InZ), W(InW) {}
		TRotator<T> Rotator() const;
		TQuat<T> GetNormalized(T Tolerance = T(1.e-8)) const;
	};
	template <typename T> const TQuat<T> TQuat<T>::Identity(0, 0, 0, 1);
}

using FQuat = UE::Math::TQuat<double>;
