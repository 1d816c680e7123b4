// Stand-in for Runtime/Engine/Classes/Engine/GameViewportClient.h:
// UGameViewportClient::GetViewportSize(FVector2D& ViewportSize) const, which writes the size
// into its argument and returns nothing.
// Not read in an engine source copy here: these signatures follow the engine's documented API
// as the plugin calls it, and need checking against an engine tree.
#pragma once

#include "CoreMinimal.h"
#include "UObject/Object.h"

#include "GameViewportClient.generated.h"

UCLASS(Within = Engine, transient, config = Engine)
class ENGINE_API UGameViewportClient : public UObject
{
	GENERATED_BODY()

public:
	virtual void GetViewportSize(FVector2D& ViewportSize) const;
};
