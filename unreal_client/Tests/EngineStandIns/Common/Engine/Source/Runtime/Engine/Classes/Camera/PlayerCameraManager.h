// Stand-in for Runtime/Engine/Classes/Camera/PlayerCameraManager.h:
// virtual const FMinimalViewInfo& GetCameraCacheView() const (UE 5.x, read in public mirrors).
#pragma once

#include "Camera/CameraTypes.h"
#include "GameFramework/Actor.h"

#include "PlayerCameraManager.generated.h"

UCLASS(notplaceable, transient, BlueprintType, Blueprintable, Config = Engine)
class ENGINE_API APlayerCameraManager : public AActor
{
	GENERATED_BODY()

public:
	APlayerCameraManager(const FObjectInitializer& ObjectInitializer);
	virtual const FMinimalViewInfo& GetCameraCacheView() const;
};
