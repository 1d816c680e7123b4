// Stand-in for Runtime/CoreUObject/Public/UObject/ObjectMacros.h, compiling without
// UnrealHeaderTool as the engine's does: UPROPERTY, UFUNCTION, USTRUCT and UENUM expand to
// nothing; UCLASS to CURRENT_FILE_ID_<line>_PROLOG and GENERATED_BODY to
// CURRENT_FILE_ID_<line>_GENERATED_BODY, both defined by the type's *.generated.h (written at
// test time by tests/unreal_header_tool.py).
#pragma once

#include "CoreTypes.h"

// The reflection types a generated header names (CoreFwd.h declares them; StaticEnum is
// ReflectedTypeAccessors.h's).
class UObject;
class UClass;
class UEnum;
class UScriptStruct;

template <typename T>
UEnum* StaticEnum();

#define BODY_MACRO_COMBINE_INNER(A, B, C, D) A##B##C##D
#define BODY_MACRO_COMBINE(A, B, C, D) BODY_MACRO_COMBINE_INNER(A, B, C, D)

#define UPROPERTY(...)
#define UFUNCTION(...)
#define USTRUCT(...)
#define UENUM(...)
#define UMETA(...)
#define UCLASS(...) BODY_MACRO_COMBINE(CURRENT_FILE_ID, _, __LINE__, _PROLOG)
#define GENERATED_BODY(...) BODY_MACRO_COMBINE(CURRENT_FILE_ID, _, __LINE__, _GENERATED_BODY);

#define PRAGMA_DISABLE_DEPRECATION_WARNINGS
#define PRAGMA_ENABLE_DEPRECATION_WARNINGS
