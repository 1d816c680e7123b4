// Stand-in for Runtime/Engine/Classes/Engine/Engine.h. The plugin includes it and names none of
// its declarations; it brings in World.h as the engine's does (through its includes).
#pragma once

#include "CoreMinimal.h"
#include "Engine/World.h"
