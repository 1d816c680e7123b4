// Stand-in for Runtime/Engine/Classes/Engine/EngineTypes.h: EWorldType, ETeleportType and
// FFilePath (a USTRUCT holding FString FilePath), the declarations the plugin names.
// Not read in an engine source copy here: these signatures follow the engine's documented API
// as the plugin calls it, and need checking against an engine tree.
#pragma once

#include "CoreMinimal.h"
#include "UObject/Object.h"

#include "EngineTypes.generated.h"

namespace EWorldType
{
	enum Type
	{
		None,
		Game,
		Editor,
		PIE,
		EditorPreview,
		GamePreview,
		GameRPC,
		Inactive
	};
}

UENUM()
enum class ETeleportType : uint8
{
	None,
	TeleportPhysics,
	ResetPhysics,
};

USTRUCT(BlueprintType)
struct FFilePath
{
	GENERATED_BODY()

	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = FilePath)
	FString FilePath;
};
