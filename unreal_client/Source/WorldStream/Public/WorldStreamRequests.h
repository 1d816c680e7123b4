// The unary calls (CreateWorld, ListWorlds, DeleteWorld) for editor tools and game code: each
// runs on a background thread and answers on the game thread with a value or a typed error.
// Unreal types only: callers need none of WorldStreamCore's headers.
#pragma once

#include "CoreMinimal.h"
#include "Templates/ValueOrError.h"
#include "WorldStreamTypes.h"

struct FWorldStreamCreateOptions
{
	FString WorldId;         // empty: the server picks one
	FString DisplayName;
	double HorizontalFovDegrees = 0;  // 0: from EXIF, else 60
	double TileSizeMeters = 0;        // 0: 4 m
	int32 MaxSidePixels = 0;          // 0: 640
};

namespace WorldStreamRequests
{
	using FWorldResult = TValueOrError<FWorldStreamWorld, FWorldStreamError>;
	using FWorldsResult = TValueOrError<TArray<FWorldStreamWorld>, FWorldStreamError>;
	using FDoneResult = TValueOrError<void, FWorldStreamError>;

	/** Uploads a photo; OnProgress (stage, fraction) and OnDone run on the game thread. */
	WORLDSTREAM_API void CreateWorld(TArray<uint8> Photo, const FWorldStreamCreateOptions& Options,
		TFunction<void(const FString& Stage, float Fraction)> OnProgress, TFunction<void(FWorldResult&&)> OnDone);

	/** Every world on the server, newest first. */
	WORLDSTREAM_API void ListWorlds(TFunction<void(FWorldsResult&&)> OnDone);

	WORLDSTREAM_API void DeleteWorld(const FString& World, TFunction<void(FDoneResult&&)> OnDone);
}
