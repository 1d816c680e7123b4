#include "WorldStreamSettings.h"

#include "HAL/PlatformMisc.h"
#include "Misc/CommandLine.h"
#include "Misc/Parse.h"

#include "worldstream/dispatch.h"

FString UWorldStreamSettings::ResolveAccessToken() const
{
	FString Token;
	if (FParse::Value(FCommandLine::Get(), TEXT("WorldStreamToken="), Token) && !Token.IsEmpty())
	{
		return Token;
	}
	if (!AccessTokenEnvironmentVariable.IsEmpty())
	{
		Token = FPlatformMisc::GetEnvironmentVariable(*AccessTokenEnvironmentVariable);
		if (!Token.IsEmpty())
		{
			return Token;
		}
	}
	return AccessToken;
}

int64 UWorldStreamSettings::GetSplatBudget() const
{
	return worldstream::clamp_splat_budget(SplatBudget);
}

uint32 UWorldStreamSettings::GetPoolCapacity() const
{
	return worldstream::pool_capacity(SplatBudget, PoolHeadroom);
}
