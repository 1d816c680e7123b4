// Stand-in for Runtime/CoreUObject/Public/UObject/Object.h (and UObjectBase.h, Class.h,
// UObjectGlobals.h, ReflectedTypeAccessors.h): UObject with the members the plugin and its
// engine bases use (GetWorld, BeginDestroy), the reflection types a generated body names
// (FObjectInitializer, FVTableHelper), and the
// UObjectGlobals/Casts templates the plugin calls (GetDefault<T>(), Cast<T>(Object)).
#pragma once

#include <type_traits>

#include "CoreMinimal.h"
#include "UObject/ObjectMacros.h"
#include "UObject/ObjectPtr.h"
#include "UObject/WeakObjectPtrTemplates.h"

class UWorld;

struct FVTableHelper
{
};

class FObjectInitializer
{
public:
	static FObjectInitializer& Get();
};

class UObject
{
public:
	typedef UObject ThisClass;
	UObject();
	UObject(const FObjectInitializer& ObjectInitializer);
	virtual ~UObject();
	static UClass* StaticClass();
	virtual UWorld* GetWorld() const;
	virtual void BeginDestroy();
};

template <class T>
const T* GetDefault()
{
	static_assert(std::is_base_of_v<UObject, T>, "GetDefault gives a class's default object");
	return nullptr;
}

template <typename To, typename From>
std::conditional_t<std::is_const_v<From>, const To, To>* Cast(From* Src)
{
	static_assert(std::is_base_of_v<UObject, From> && std::is_base_of_v<UObject, To>, "Cast is between UObjects");
	return nullptr;
}
