// Stand-in for Runtime/Core/Public/CoreTypes.h (HAL/Platform.h's integer types and TCHAR/TEXT,
// as every UE5 platform header defines them). Only what the plugin's render code names.
#pragma once

#include <cstddef>
#include <cstdint>

using uint8 = std::uint8_t;
using uint16 = std::uint16_t;
using uint32 = std::uint32_t;
using uint64 = std::uint64_t;
using int8 = std::int8_t;
using int16 = std::int16_t;
using int32 = std::int32_t;
using int64 = std::int64_t;
using TCHAR = char16_t;
using ANSICHAR = char;
#define TEXT(x) u##x

#define MAX_uint32 (uint32(0xffffffff))
#define MAX_uint16 (uint16(0xffff))
#define MAX_int32 (int32(0x7fffffff))
#define INDEX_NONE (-1)
#define FORCEINLINE inline
#define DLLIMPORT
#define DLLEXPORT
#define ENGINE_API
#define RENDERCORE_API
#define RHI_API
#define RENDERER_API
#define WORLDSTREAM_API
#define CORE_API
#define COREUOBJECT_API
#define DEVELOPERSETTINGS_API
#define PROJECTS_API
#define NO_API
