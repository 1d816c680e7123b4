// Stand-in for Runtime/Core/Public/UObject/WeakObjectPtrTemplates.h: TWeakObjectPtr, made from
// an object pointer, whose Get() gives the object or null (FWeakObjectPtr is CoreUObject's).
#pragma once

struct FWeakObjectPtr;
class UObject;

template <class T = UObject, class TWeakObjectPtrBase = FWeakObjectPtr>
struct TWeakObjectPtr
{
	TWeakObjectPtr() = default;
	template <typename U, typename = decltype((T*)(U*)nullptr)>
	TWeakObjectPtr(U* Object) : Pointer(Object) {}
	T* Get() const;
	bool IsValid() const;

private:
	T* Pointer = nullptr;
};
