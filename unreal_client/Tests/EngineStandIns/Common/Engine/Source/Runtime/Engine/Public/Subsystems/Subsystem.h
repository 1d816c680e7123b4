// Stand-in for Runtime/Engine/Public/Subsystems/Subsystem.h: USubsystem's lifetime hooks
// (ShouldCreateSubsystem(UObject* Outer) const, Initialize(FSubsystemCollectionBase&),
// Deinitialize()).
#pragma once

#include "CoreMinimal.h"
#include "UObject/Object.h"

#include "Subsystem.generated.h"

class FSubsystemCollectionBase;

UCLASS(Abstract)
class ENGINE_API USubsystem : public UObject
{
	GENERATED_BODY()

public:
	USubsystem();
	virtual bool ShouldCreateSubsystem(UObject* Outer) const { return true; }
	virtual void Initialize(FSubsystemCollectionBase& Collection) {}
	virtual void Deinitialize() {}
};
