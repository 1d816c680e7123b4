// Stand-in for Runtime/Core/Public/Templates/SharedPointer.h: ESPMode, TSharedRef, TSharedPtr,
// TWeakPtr, TSharedFromThis (AsShared) and MakeShared, backed by std::shared_ptr. Members used:
// ->, *, IsValid, Reset, ToSharedRef, Pin, the derived-to-base conversions.
#pragma once

#include <memory>

#include "CoreTypes.h"

enum class ESPMode : uint8
{
	NotThreadSafe = 0,
	ThreadSafe = 1
};

template <class ObjectType, ESPMode Mode = ESPMode::ThreadSafe> class TSharedRef;
template <class ObjectType, ESPMode Mode = ESPMode::ThreadSafe> class TSharedPtr;
template <class ObjectType, ESPMode Mode = ESPMode::ThreadSafe> class TWeakPtr;

template <class ObjectType, ESPMode Mode>
class TSharedRef
{
public:
	explicit TSharedRef(std::shared_ptr<ObjectType> In) : Ptr(MoveIn(In)) {}
	template <class Other, typename = std::enable_if_t<std::is_convertible_v<Other*, ObjectType*>>>
	TSharedRef(const TSharedRef<Other, Mode>& In) : Ptr(In.Std()) {}
	ObjectType* operator->() const { return Ptr.get(); }
	ObjectType& operator*() const { return *Ptr; }
	ObjectType& Get() const { return *Ptr; }
	const std::shared_ptr<ObjectType>& Std() const { return Ptr; }

private:
	static std::shared_ptr<ObjectType> MoveIn(std::shared_ptr<ObjectType>& In) { return std::move(In); }
	std::shared_ptr<ObjectType> Ptr;
};

template <class ObjectType, ESPMode Mode>
class TSharedPtr
{
public:
	TSharedPtr() = default;
	TSharedPtr(std::nullptr_t) {}
	explicit TSharedPtr(std::shared_ptr<ObjectType> In) : Ptr(std::move(In)) {}
	template <class Other, typename = std::enable_if_t<std::is_convertible_v<Other*, ObjectType*>>>
	TSharedPtr(const TSharedRef<Other, Mode>& In) : Ptr(In.Std()) {}
	template <class Other, typename = std::enable_if_t<std::is_convertible_v<Other*, ObjectType*>>>
	TSharedPtr(const TSharedPtr<Other, Mode>& In) : Ptr(In.Std()) {}
	ObjectType* operator->() const { return Ptr.get(); }
	ObjectType& operator*() const { return *Ptr; }
	ObjectType* Get() const { return Ptr.get(); }
	bool IsValid() const { return Ptr != nullptr; }
	explicit operator bool() const { return IsValid(); }
	void Reset() { Ptr.reset(); }
	TSharedRef<ObjectType, Mode> ToSharedRef() const { return TSharedRef<ObjectType, Mode>(Ptr); }
	const std::shared_ptr<ObjectType>& Std() const { return Ptr; }

private:
	std::shared_ptr<ObjectType> Ptr;
};

template <class ObjectType, ESPMode Mode>
class TWeakPtr
{
public:
	TWeakPtr() = default;
	template <class Other, typename = std::enable_if_t<std::is_convertible_v<Other*, ObjectType*>>>
	TWeakPtr(const TSharedRef<Other, Mode>& In) : Ptr(In.Std()) {}
	template <class Other, typename = std::enable_if_t<std::is_convertible_v<Other*, ObjectType*>>>
	TWeakPtr(const TSharedPtr<Other, Mode>& In) : Ptr(In.Std()) {}
	TSharedPtr<ObjectType, Mode> Pin() const { return TSharedPtr<ObjectType, Mode>(Ptr.lock()); }

private:
	std::weak_ptr<ObjectType> Ptr;
};

template <class ObjectType, ESPMode Mode = ESPMode::ThreadSafe>
class TSharedFromThis : public std::enable_shared_from_this<ObjectType>
{
public:
	TSharedRef<ObjectType, Mode> AsShared() { return TSharedRef<ObjectType, Mode>(this->shared_from_this()); }
	TSharedRef<ObjectType const, Mode> AsShared() const { return TSharedRef<ObjectType const, Mode>(this->shared_from_this()); }
};

template <typename InObjectType, ESPMode InMode = ESPMode::ThreadSafe, typename... InArgTypes>
TSharedRef<InObjectType, InMode> MakeShared(InArgTypes&&... Args)
{
	return TSharedRef<InObjectType, InMode>(std::make_shared<InObjectType>(static_cast<InArgTypes&&>(Args)...));
}
