// Stand-in for Runtime/Launch/Resources/Version.h of UE 5.3 (the engine's defines the
// banner version the same way).
#pragma once

#define ENGINE_MAJOR_VERSION 5
#define ENGINE_MINOR_VERSION 3
#define ENGINE_PATCH_VERSION 2
