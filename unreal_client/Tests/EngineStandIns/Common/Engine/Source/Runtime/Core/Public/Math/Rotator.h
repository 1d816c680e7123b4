// Stand-in for Runtime/Core/Public/Math/Rotator.h: FRotator (TRotator<double>): Pitch, Yaw,
// Roll, ZeroRotator, Quaternion().
#pragma once

#include "CoreTypes.h"

namespace UE::Math
{
	template <typename T> struct TQuat;

	template <typename T>
	struct TRotator
	{
		T Pitch = 0, Yaw = 0, Roll = 0;
		static const TRotator<T> ZeroRotator;
		TRotator() = default;
		constexpr TRotator(T InPitch, T InYaw, T InRoll) : Pitch(InPitch), Yaw(InYaw), Roll(InRoll) {}
		TQuat<T> Quaternion() const;
	};
	template <typename T> const TRotator<T> TRotator<T>::ZeroRotator(0, 0, 0);
}

using FRotator = UE::Math::TRotator<double>;
