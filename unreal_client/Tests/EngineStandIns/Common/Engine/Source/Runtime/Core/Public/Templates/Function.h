// Stand-in for Runtime/Core/Public/Templates/Function.h: TFunction (copyable) and TUniqueFunction
// (move-only), both callable through a const object and testable with `if (F)`, as the engine's.
#pragma once

#include <functional>

template <typename FuncType> class TFunction;
template <typename FuncType> class TUniqueFunction;

template <typename Ret, typename... ParamTypes>
class TFunction<Ret(ParamTypes...)>
{
public:
	TFunction(std::nullptr_t = nullptr) {}
	template <typename FunctorType, typename = std::enable_if_t<!std::is_same_v<std::decay_t<FunctorType>, TFunction>>>
	TFunction(FunctorType&& InFunc) : Function(static_cast<FunctorType&&>(InFunc)) {}
	Ret operator()(ParamTypes... Params) const { return Function(static_cast<ParamTypes&&>(Params)...); }
	explicit operator bool() const { return bool(Function); }

private:
	std::function<Ret(ParamTypes...)> Function;
};

template <typename Ret, typename... ParamTypes>
class TUniqueFunction<Ret(ParamTypes...)>
{
public:
	TUniqueFunction(std::nullptr_t = nullptr) {}
	template <typename FunctorType, typename = std::enable_if_t<!std::is_same_v<std::decay_t<FunctorType>, TUniqueFunction>>>
	TUniqueFunction(FunctorType&& InFunc) : Function(static_cast<FunctorType&&>(InFunc)) {}
	TUniqueFunction(TUniqueFunction&&) = default;
	TUniqueFunction(const TUniqueFunction&) = delete;
	Ret operator()(ParamTypes... Params) const { return Function(static_cast<ParamTypes&&>(Params)...); }
	explicit operator bool() const { return bool(Function); }

private:
	std::function<Ret(ParamTypes...)> Function;
};
