// Stand-in for Runtime/Engine/Classes/GameFramework/Controller.h: AController::GetPawn() const
// and SetControlRotation(const FRotator&).
// Not read in an engine source copy here: these signatures follow the engine's documented API
// as the plugin calls it, and need checking against an engine tree.
#pragma once

#include "GameFramework/Actor.h"

#include "Controller.generated.h"

class APawn;

UCLASS(abstract, notplaceable, NotBlueprintable)
class ENGINE_API AController : public AActor
{
	GENERATED_BODY()

public:
	AController(const FObjectInitializer& ObjectInitializer = FObjectInitializer::Get());
	APawn* GetPawn() const;
	virtual void SetControlRotation(const FRotator& NewRotation);
};
