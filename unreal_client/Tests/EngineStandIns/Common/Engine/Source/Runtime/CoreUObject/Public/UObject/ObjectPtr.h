// Stand-in for Runtime/CoreUObject/Public/UObject/ObjectPtr.h: TObjectPtr<T>, which UPROPERTY
// object members hold from UE 5.0: ->, *, comparison with nullptr and conversion to T*.
#pragma once

#include <cstddef>

template <typename T>
struct TObjectPtr
{
	TObjectPtr() = default;
	TObjectPtr(T* In) : Pointer(In) {}
	T* operator->() const { return Pointer; }
	T& operator*() const { return *Pointer; }
	operator T*() const { return Pointer; }
	T* Get() const { return Pointer; }
	bool operator==(std::nullptr_t) const { return Pointer == nullptr; }

private:
	T* Pointer = nullptr;
};
