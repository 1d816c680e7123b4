// Stand-in for Runtime/Engine/Public/Tickable.h (read in chenyong2github/UnrealEngine; UE 5.x
// adds IsAllowedToTick, which UTickableWorldSubsystem overrides): FTickableObjectBase (Tick and
// GetStatId pure, GetTickableTickType, IsTickable) and FTickableGameObject (IsTickableWhenPaused,
// IsTickableInEditor, GetTickableGameObjectWorld).
#pragma once

#include "CoreMinimal.h"
#include "Stats/Stats.h"

class UWorld;

#define PURE_VIRTUAL(func, ...) { __VA_ARGS__ }

enum class ETickableTickType : uint8
{
	Conditional,
	Always,
	Never
};

class FTickableObjectBase
{
public:
	virtual ~FTickableObjectBase() {}
	virtual void Tick(float DeltaTime) = 0;
	virtual ETickableTickType GetTickableTickType() const { return ETickableTickType::Conditional; }
	virtual bool IsTickable() const { return true; }
	virtual bool IsAllowedToTick() const { return true; }
	virtual TStatId GetStatId() const = 0;
};

class ENGINE_API FTickableGameObject : public FTickableObjectBase
{
public:
	FTickableGameObject();
	virtual ~FTickableGameObject();
	virtual bool IsTickableWhenPaused() const { return false; }
	virtual bool IsTickableInEditor() const { return false; }
	virtual UWorld* GetTickableGameObjectWorld() const { return nullptr; }
};
