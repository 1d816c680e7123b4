// Stand-in for Runtime/Engine/Classes/Camera/CameraTypes.h: FMinimalViewInfo's Location,
// Rotation and FOV (horizontal, degrees).
#pragma once

#include "CoreMinimal.h"
#include "UObject/Object.h"

#include "CameraTypes.generated.h"

USTRUCT(BlueprintType)
struct FMinimalViewInfo
{
	GENERATED_BODY()

	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = Camera)
	FVector Location;

	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = Camera)
	FRotator Rotation;

	UPROPERTY(Interp, EditAnywhere, BlueprintReadWrite, Category = Camera)
	float FOV = 90.0f;
};
