// Stand-in for Runtime/Engine/Classes/GameFramework/Actor.h: AActor::SetActorLocation(const
// FVector&, bool bSweep = false, FHitResult* = nullptr, ETeleportType = ETeleportType::None).
#pragma once

#include "CoreMinimal.h"
#include "Engine/EngineTypes.h"
#include "UObject/Object.h"

#include "Actor.generated.h"

struct FHitResult;

UCLASS(BlueprintType, Blueprintable, config = Engine)
class ENGINE_API AActor : public UObject
{
	GENERATED_BODY()

public:
	AActor();
	bool SetActorLocation(const FVector& NewLocation, bool bSweep = false, FHitResult* OutSweepHitResult = nullptr, ETeleportType Teleport = ETeleportType::None);
};
