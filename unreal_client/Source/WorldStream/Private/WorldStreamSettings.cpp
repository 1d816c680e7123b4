#include "WorldStreamSettings.h"

#include "HAL/PlatformMisc.h"
#include "Misc/CommandLine.h"
#include "Misc/Parse.h"

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
