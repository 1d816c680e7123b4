// Stand-in for Runtime/Engine/Classes/Engine/World.h: the UWorld members the plugin reads
// (WorldType as TEnumAsByte<EWorldType::Type>, Scene, GetFirstPlayerController() const,
// IsGameWorld() const, GetGameViewport() const).
// Not read in an engine source copy here: these signatures follow the engine's documented API
// as the plugin calls it, and need checking against an engine tree.
#pragma once

#include "CoreMinimal.h"
#include "Engine/EngineTypes.h"
#include "UObject/Object.h"

#include "World.generated.h"

class APlayerController;
class FSceneInterface;
class UGameViewportClient;

template <class TEnum>
class TEnumAsByte
{
public:
	TEnumAsByte() = default;
	TEnumAsByte(TEnum InValue) : Value(uint8(InValue)) {}
	operator TEnum() const { return TEnum(Value); }

private:
	uint8 Value = 0;
};

UCLASS(customConstructor, config = Engine)
class ENGINE_API UWorld final : public UObject
{
	GENERATED_BODY()

public:
	UWorld(const FObjectInitializer& ObjectInitializer = FObjectInitializer::Get());
	TEnumAsByte<EWorldType::Type> WorldType;
	FSceneInterface* Scene;
	APlayerController* GetFirstPlayerController() const;
	bool IsGameWorld() const;
	UGameViewportClient* GetGameViewport() const;
};
