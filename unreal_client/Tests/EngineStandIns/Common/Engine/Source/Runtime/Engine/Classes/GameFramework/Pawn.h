// Stand-in for Runtime/Engine/Classes/GameFramework/Pawn.h: APawn, an AActor.
#pragma once

#include "GameFramework/Actor.h"

#include "Pawn.generated.h"

UCLASS(config = Game, BlueprintType, Blueprintable)
class ENGINE_API APawn : public AActor
{
	GENERATED_BODY()

public:
	APawn(const FObjectInitializer& ObjectInitializer = FObjectInitializer::Get());
};
