// Stand-in for Runtime/Engine/Public/Subsystems/WorldSubsystem.h (read in the UE 5.4 line,
// izzy2lost/UnrealEngineUWP): UWorldSubsystem (GetWorld() const override final,
// ShouldCreateSubsystem, OnWorldBeginPlay(UWorld&)) and UTickableWorldSubsystem, which is also an
// FTickableGameObject (Tick, GetStatId as PURE_VIRTUAL, Initialize, Deinitialize, BeginDestroy).
#pragma once

#include "Subsystems/Subsystem.h"
#include "Engine/EngineTypes.h"
#include "Tickable.h"

#include "WorldSubsystem.generated.h"

UCLASS(Abstract, MinimalAPI)
class UWorldSubsystem : public USubsystem
{
	GENERATED_BODY()

public:
	ENGINE_API UWorldSubsystem();
	ENGINE_API virtual UWorld* GetWorld() const override final;
	ENGINE_API UWorld& GetWorldRef() const;
	ENGINE_API virtual bool ShouldCreateSubsystem(UObject* Outer) const override;
	virtual void PostInitialize() {}
	virtual void OnWorldBeginPlay(UWorld& InWorld) {}
	virtual void OnWorldComponentsUpdated(UWorld& World) {}
	virtual void UpdateStreamingState() {}

protected:
	ENGINE_API virtual bool DoesSupportWorldType(const EWorldType::Type WorldType) const;
};

UCLASS(Abstract, MinimalAPI)
class UTickableWorldSubsystem : public UWorldSubsystem, public FTickableGameObject
{
	GENERATED_BODY()

public:
	ENGINE_API UTickableWorldSubsystem();
	ENGINE_API UWorld* GetTickableGameObjectWorld() const override;
	ENGINE_API virtual ETickableTickType GetTickableTickType() const override;
	ENGINE_API virtual bool IsAllowedToTick() const override final;
	ENGINE_API virtual void Tick(float DeltaTime) override;
	ENGINE_API virtual TStatId GetStatId() const override PURE_VIRTUAL(UTickableWorldSubsystem::GetStatId, return TStatId(););
	ENGINE_API virtual void Initialize(FSubsystemCollectionBase& Collection) override;
	ENGINE_API virtual void Deinitialize() override;
	ENGINE_API virtual void BeginDestroy() override;
	bool IsInitialized() const { return bInitialized; }

private:
	bool bInitialized = false;
};
