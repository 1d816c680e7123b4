// Stand-in for Runtime/Core/Public/HAL/PlatformTime.h (GenericPlatformTime.h): Seconds().
#pragma once

struct FPlatformTime
{
	static double Seconds();
};
