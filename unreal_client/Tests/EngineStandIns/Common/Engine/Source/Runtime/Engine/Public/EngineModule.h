// Stand-in for Runtime/Engine/Public/EngineModule.h: GetRendererModule.
#pragma once

#include "CoreMinimal.h"

class IRendererModule;

extern ENGINE_API IRendererModule& GetRendererModule();
