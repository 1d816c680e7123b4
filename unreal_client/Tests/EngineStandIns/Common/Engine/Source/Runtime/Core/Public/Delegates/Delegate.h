// Stand-in for Runtime/Core/Public/Delegates/Delegate.h and DelegateCombinations.h:
// FDelegateHandle (IsValid) and DECLARE_MULTICAST_DELEGATE_OneParam, whose FDelegate offers
// CreateLambda, the binding the plugin uses.
#pragma once

#include <functional>

class FDelegateHandle
{
public:
	bool IsValid() const { return Id != 0; }
	void Reset() { Id = 0; }

private:
	uint64 Id = 0;
};

template <typename... ParamTypes>
class TDelegate
{
public:
	template <typename FunctorType>
	static TDelegate CreateLambda(FunctorType&& InFunctor)
	{
		TDelegate Delegate;
		Delegate.Function = static_cast<FunctorType&&>(InFunctor);
		return Delegate;
	}

private:
	std::function<void(ParamTypes...)> Function;
};

template <typename... ParamTypes>
class TMulticastDelegate
{
public:
	using FDelegate = TDelegate<ParamTypes...>;
	FDelegateHandle Add(const FDelegate& InNewDelegate);
	bool Remove(FDelegateHandle Handle);
	void Broadcast(ParamTypes... Params) const;
};

#define DECLARE_MULTICAST_DELEGATE_OneParam(DelegateName, Param1Type) \
	typedef TMulticastDelegate<Param1Type> DelegateName;
