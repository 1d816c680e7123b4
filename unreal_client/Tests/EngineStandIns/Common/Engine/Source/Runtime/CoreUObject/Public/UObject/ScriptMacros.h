// Stand-in for Runtime/CoreUObject/Public/UObject/ScriptMacros.h, which every generated header
// includes; the plugin names none of its declarations.
#pragma once

#include "UObject/ObjectMacros.h"
