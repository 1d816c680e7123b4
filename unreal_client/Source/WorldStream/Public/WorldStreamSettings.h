// Project Settings > Plugins > WorldStream: the server, the stream's budgets and the renderer's.
#pragma once

#include "CoreMinimal.h"
#include "Engine/DeveloperSettings.h"
#include "Engine/EngineTypes.h"

#include "WorldStreamSettings.generated.h"

UCLASS(Config = Game, DefaultConfig, meta = (DisplayName = "WorldStream"))
class WORLDSTREAM_API UWorldStreamSettings : public UDeveloperSettings
{
	GENERATED_BODY()

public:
	virtual FName GetCategoryName() const override { return TEXT("Plugins"); }

	/** gRPC target of the worldstream server, host:port. */
	UPROPERTY(Config, EditAnywhere, Category = "Server")
	FString Endpoint = TEXT("127.0.0.1:50051");

	/** Speak TLS (a server started with --tls-cert and --tls-key). */
	UPROPERTY(Config, EditAnywhere, Category = "Server")
	bool bUseTls = false;

	/** PEM roots to trust for TLS; empty = gRPC's default roots. */
	UPROPERTY(Config, EditAnywhere, Category = "Server", meta = (EditCondition = "bUseTls", FilePathFilter = "pem"))
	FFilePath RootCertificates;

	/**
	 * Bearer token of a server with authentication. Sent only over TLS or to a loopback address.
	 * A token kept here lands in DefaultGame.ini: prefer -WorldStreamToken=... on the command line
	 * or the environment variable below, which win over this field.
	 */
	UPROPERTY(Config, EditAnywhere, Category = "Server", meta = (PasswordField = true))
	FString AccessToken;

	UPROPERTY(Config, EditAnywhere, Category = "Server")
	FString AccessTokenEnvironmentVariable = TEXT("WORLDSTREAM_TOKEN");

	/** The world streamed when play begins (worlds/{world}); empty = none. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming")
	FString WorldOnBeginPlay;

	/**
	 * Most splats held at once (ExploreStart.splat_budget). At most 8,388,608: the GPU pool of the
	 * largest budget at the largest PoolHeadroom is then 2^25 splats (a 2 GiB buffer), the most the
	 * renderer allocates (worldstream::kMaxSplatBudget). Read it through GetSplatBudget(), which
	 * applies the same clamp to a value set in an ini file.
	 */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "1000", ClampMax = "8388608", UIMax = "8388608"))
	int64 SplatBudget = 2000000;

	/** Payload megabytes the server may send ahead of acknowledgement. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "1", ClampMax = "256"))
	int32 CreditMegabytes = 8;

	/** Stream the world as it is, without generating views ahead of the camera. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming")
	bool bNoGeneration = false;

	/** Move the player's camera to where the photo was taken when a game-world stream connects. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming")
	bool bMoveToSpawn = true;

	/** At most one ViewUpdate per this many seconds. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "0.0"))
	float MinViewIntervalSeconds = 0.1f;

	/** A camera move of at least this many centimetres is worth a ViewUpdate. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "0.0"))
	float MinViewMoveCentimeters = 5.0f;

	/** A camera turn of at least this many degrees is worth a ViewUpdate. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "0.0"))
	float MinViewRotationDegrees = 1.0f;

	/** Splats uploaded to the GPU per frame at most (one tile always goes). */
	UPROPERTY(Config, EditAnywhere, Category = "Rendering", meta = (ClampMin = "1000"))
	int32 UploadSplatsPerFrame = 300000;

	/** Seconds a new tile takes to fade in over what it replaces. */
	UPROPERTY(Config, EditAnywhere, Category = "Rendering", meta = (ClampMin = "0.0"))
	float FadeSeconds = 0.35f;

	/**
	 * GPU splat pool size as a multiple of the splat budget: a tile fading in over the one it
	 * replaces holds both for a moment.
	 */
	UPROPERTY(Config, EditAnywhere, Category = "Rendering", meta = (ClampMin = "1.0", ClampMax = "4.0"))
	float PoolHeadroom = 1.5f;

	/** Splats below this opacity contribution are not blended (1/255 by default). */
	UPROPERTY(Config, EditAnywhere, Category = "Rendering", meta = (ClampMin = "0.0", ClampMax = "0.5"))
	float MinAlpha = 1.0f / 255.0f;

	/** The token to send: -WorldStreamToken=, then the environment variable, then AccessToken. */
	FString ResolveAccessToken() const;

	/** SplatBudget within [1000, 8388608], whatever the ini file says (worldstream::clamp_splat_budget). */
	int64 GetSplatBudget() const;

	/** Splats the GPU pool holds: the clamped budget times PoolHeadroom (within [1, 4]) (worldstream::pool_capacity). */
	uint32 GetPoolCapacity() const;
};
