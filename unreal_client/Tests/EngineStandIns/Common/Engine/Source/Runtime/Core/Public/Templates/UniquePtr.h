// Stand-in for Runtime/Core/Public/Templates/UniquePtr.h: TUniquePtr (->, *, Get, IsValid, Reset)
// and MakeUnique, backed by std::unique_ptr.
#pragma once

#include <memory>

template <typename T>
class TUniquePtr
{
public:
	TUniquePtr() = default;
	TUniquePtr(std::nullptr_t) {}
	explicit TUniquePtr(std::unique_ptr<T> In) : Ptr(std::move(In)) {}
	TUniquePtr(TUniquePtr&&) = default;
	TUniquePtr& operator=(TUniquePtr&&) = default;
	T* operator->() const { return Ptr.get(); }
	T& operator*() const { return *Ptr; }
	T* Get() const { return Ptr.get(); }
	bool IsValid() const { return Ptr != nullptr; }
	void Reset(T* InPtr = nullptr) { Ptr.reset(InPtr); }

private:
	std::unique_ptr<T> Ptr;
};

template <typename T, typename... TArgs>
TUniquePtr<T> MakeUnique(TArgs&&... Args)
{
	return TUniquePtr<T>(std::make_unique<T>(static_cast<TArgs&&>(Args)...));
}
