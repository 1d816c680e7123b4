// Stand-in for Runtime/Core/Public/Math/Vector.h, Vector2D.h and the LWC typedefs
// (Math/MathFwd.h: FVector = TVector<double>, FVector3f, FVector3d, FVector2f). Members used:
// X/Y/Z, the (X, Y, Z) constructor, ZeroVector, +, -, * and / by a scalar (templates over an
// arithmetic type, as the engine's), and the float/double conversion constructor.
#pragma once

#include <type_traits>

#include "CoreTypes.h"

namespace UE::Math
{
	template <typename T>
	struct TVector
	{
		T X = 0, Y = 0, Z = 0;
		static const TVector<T> ZeroVector;
		TVector() = default;
		constexpr TVector(T InX, T InY, T InZ) : X(InX), Y(InY), Z(InZ) {}
		template <typename FArg, typename = std::enable_if_t<!std::is_same_v<T, FArg>>>
		explicit TVector(const TVector<FArg>& V) : X(T(V.X)), Y(T(V.Y)), Z(T(V.Z)) {}
		TVector<T> operator+(const TVector<T>& V) const { return TVector<T>(X + V.X, Y + V.Y, Z + V.Z); }
		TVector<T> operator-(const TVector<T>& V) const { return TVector<T>(X - V.X, Y - V.Y, Z - V.Z); }
		template <typename FArg, typename = std::enable_if_t<std::is_arithmetic_v<FArg>>>
		TVector<T> operator*(FArg Scale) const { return TVector<T>(X * T(Scale), Y * T(Scale), Z * T(Scale)); }
		template <typename FArg, typename = std::enable_if_t<std::is_arithmetic_v<FArg>>>
		TVector<T> operator/(FArg Scale) const { return TVector<T>(X / T(Scale), Y / T(Scale), Z / T(Scale)); }
	};
	template <typename T> const TVector<T> TVector<T>::ZeroVector(0, 0, 0);

	template <typename T>
	struct TVector2
	{
		T X = 0, Y = 0;
		TVector2() = default;
		constexpr TVector2(T InX, T InY) : X(InX), Y(InY) {}
	};
}

using FVector = UE::Math::TVector<double>;
using FVector3d = UE::Math::TVector<double>;
using FVector3f = UE::Math::TVector<float>;
using FVector2f = UE::Math::TVector2<float>;
using FVector2D = UE::Math::TVector2<double>;
