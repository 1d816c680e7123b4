// Stand-in for Runtime/Engine/Classes/GameFramework/PlayerController.h: APlayerController and its
// PlayerCameraManager (TObjectPtr<APlayerCameraManager> from UE 5.0).
#pragma once

#include "GameFramework/Controller.h"

#include "PlayerController.generated.h"

class APlayerCameraManager;

UCLASS(config = Game, BlueprintType, Blueprintable)
class ENGINE_API APlayerController : public AController
{
	GENERATED_BODY()

public:
	APlayerController(const FObjectInitializer& ObjectInitializer = FObjectInitializer::Get());

	UPROPERTY(BlueprintReadOnly, Category = PlayerController)
	TObjectPtr<APlayerCameraManager> PlayerCameraManager;
};
