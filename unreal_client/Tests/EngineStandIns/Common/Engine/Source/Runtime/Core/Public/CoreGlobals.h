// Stand-in for Runtime/Core/Public/CoreGlobals.h: the thread queries the plugin calls.
#pragma once

#include "CoreTypes.h"

extern bool IsInGameThread();
extern bool IsInRenderingThread();
