#include "WorldStreamTypes.h"

#include "Misc/FileHelper.h"
#include "WorldStreamConvert.h"
#include "WorldStreamModule.h"

FString FWorldStreamError::ToString() const
{
	const FString Name = WorldStreamConvert::ToUnreal(std::string(worldstream::status_code_name(static_cast<worldstream::StatusCode>(Code))));
	return Reason.IsEmpty() ? FString::Printf(TEXT("%s: %s"), *Name, *Message)
							: FString::Printf(TEXT("%s: %s (%s)"), *Name, *Message, *Reason);
}

worldstream::ClientOptions WorldStreamConvert::ClientOptionsFromSettings(const UWorldStreamSettings& Settings)
{
	worldstream::ClientOptions Options;
	Options.endpoint = ToCore(Settings.Endpoint);
	Options.use_tls = Settings.bUseTls;
	Options.access_token = ToCore(Settings.ResolveAccessToken());
	if (Settings.bUseTls && !Settings.RootCertificates.FilePath.IsEmpty())
	{
		FString Pem;
		if (FFileHelper::LoadFileToString(Pem, *Settings.RootCertificates.FilePath))
		{
			Options.root_certificates_pem = ToCore(Pem);
		}
		else
		{
			UE_LOG(LogWorldStream, Warning, TEXT("cannot read the root certificates %s; using gRPC's default roots"),
				*Settings.RootCertificates.FilePath);
		}
	}
	return Options;
}
