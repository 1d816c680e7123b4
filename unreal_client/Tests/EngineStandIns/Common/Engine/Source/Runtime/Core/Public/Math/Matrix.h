// Stand-in for Runtime/Core/Public/Math/Matrix.h (TMatrix<T>: M[4][4], operator==, and the
// explicit float/double conversion that FMatrix44f(FMatrix) uses).
#pragma once

#include <type_traits>

#include "CoreTypes.h"

namespace UE::Math
{
	template <typename T>
	struct TMatrix
	{
		alignas(16) T M[4][4] = {};
		TMatrix() = default;
		template <typename FArg, typename = std::enable_if_t<!std::is_same_v<T, FArg>>>
		explicit TMatrix(const TMatrix<FArg>& From)
		{
			for (int32 R = 0; R < 4; ++R) for (int32 C = 0; C < 4; ++C) M[R][C] = T(From.M[R][C]);
		}
		bool operator==(const TMatrix<T>& Other) const
		{
			for (int32 R = 0; R < 4; ++R) for (int32 C = 0; C < 4; ++C) if (M[R][C] != Other.M[R][C]) return false;
			return true;
		}
	};
}

using FMatrix = UE::Math::TMatrix<double>;
using FMatrix44f = UE::Math::TMatrix<float>;
using FMatrix44d = UE::Math::TMatrix<double>;
