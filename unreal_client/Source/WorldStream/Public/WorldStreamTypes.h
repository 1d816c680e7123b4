// Blueprint-facing values: typed errors (gRPC codes one to one, the ErrorInfo reason of
// docs/errors.md), the world, the view status. Filled from WorldStreamCore's plain structs.
#pragma once

#include "CoreMinimal.h"

#include "WorldStreamTypes.generated.h"

/** gRPC status codes with gRPC's numbers. */
UENUM(BlueprintType)
enum class EWorldStreamStatusCode : uint8
{
	Ok = 0,
	Cancelled = 1,
	Unknown = 2,
	InvalidArgument = 3,
	DeadlineExceeded = 4,
	NotFound = 5,
	AlreadyExists = 6,
	PermissionDenied = 7,
	ResourceExhausted = 8,
	FailedPrecondition = 9,
	Aborted = 10,
	OutOfRange = 11,
	Unimplemented = 12,
	Internal = 13,
	Unavailable = 14,
	DataLoss = 15,
	Unauthenticated = 16,
};

/** What to do about a failed call. */
UENUM(BlueprintType)
enum class EWorldStreamRetryAdvice : uint8
{
	None,
	DoNotRetry,
	RetryWithBackoff,
	RetryWhenStateChanges,
	Reauthenticate,
	Abandon,
};

/** A failed call: switch on Code and Reason; Message is for people. */
USTRUCT(BlueprintType)
struct WORLDSTREAM_API FWorldStreamError
{
	GENERATED_BODY()

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	EWorldStreamStatusCode Code = EWorldStreamStatusCode::Unknown;

	/** UPPER_SNAKE ErrorInfo reason, e.g. WORLD_NOT_FOUND; empty when the server sent none. */
	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	FString Reason;

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	FString Message;

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	TMap<FString, FString> Metadata;

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	EWorldStreamRetryAdvice Advice = EWorldStreamRetryAdvice::DoNotRetry;

	FString ToString() const;
};

/** A world, with its spawn pose already in Unreal's frame when it comes from a stream's header. */
USTRUCT(BlueprintType)
struct WORLDSTREAM_API FWorldStreamWorld
{
	GENERATED_BODY()

	/** worlds/{world} */
	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	FString Name;

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	FString DisplayName;

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	bool bReady = false;

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	int64 SplatCount = 0;

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	double TileSizeMeters = 0;

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	FString FailureMessage;

	/** Where the photo was taken, centimetres, Unreal axes (from ExploreHeader.spawn_position). */
	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	FVector SpawnLocation = FVector::ZeroVector;

	/** The photo's camera: looks along +X, up +Z (from ExploreHeader.spawn_rotation). */
	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	FRotator SpawnRotation = FRotator::ZeroRotator;

	/** Vertical field of view of the photo, degrees. */
	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	double SpawnVerticalFovDegrees = 0;
};

/** Where the latest view stands (ViewStatus). */
USTRUCT(BlueprintType)
struct WORLDSTREAM_API FWorldStreamViewStatus
{
	GENERATED_BODY()

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	int64 Sequence = 0;

	/**
	 * Every tile the view needs has been sent at the level chosen for its distance and at the
	 * world's current version (WorldVersion), and no generation the view waits on is pending.
	 */
	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	bool bComplete = false;

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	int32 PendingTiles = 0;

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	int64 ResidentSplats = 0;

	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	int32 PendingGeneration = 0;

	/** The world version the status was taken at; when bComplete, the view is held at this version. */
	UPROPERTY(BlueprintReadOnly, Category = "WorldStream")
	int64 WorldVersion = 0;
};
