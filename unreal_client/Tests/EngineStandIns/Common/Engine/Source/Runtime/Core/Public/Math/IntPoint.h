// Stand-in for Runtime/Core/Public/Math/IntPoint.h, IntRect.h and IntVector.h: the members used.
#pragma once

#include "CoreTypes.h"

struct FIntPoint
{
	int32 X = 0, Y = 0;
	FIntPoint() = default;
	constexpr FIntPoint(int32 InX, int32 InY) : X(InX), Y(InY) {}
	bool operator==(const FIntPoint& Other) const { return X == Other.X && Y == Other.Y; }
};

struct FIntRect
{
	FIntPoint Min;
	FIntPoint Max;
	int32 Width() const { return Max.X - Min.X; }
	int32 Height() const { return Max.Y - Min.Y; }
};

struct FIntVector
{
	int32 X = 0, Y = 0, Z = 0;
	FIntVector() = default;
	constexpr FIntVector(int32 InX, int32 InY, int32 InZ) : X(InX), Y(InY), Z(InZ) {}
};
