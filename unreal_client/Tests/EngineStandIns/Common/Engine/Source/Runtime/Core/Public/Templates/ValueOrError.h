// Stand-in for Runtime/Core/Public/Templates/ValueOrError.h (the UE5 form, read in a public
// mirror: variadic MakeValue/MakeError proxies, TValueOrError<ValueType, ErrorType> and the
// TValueOrError<void, ErrorType> specialization). A result is made only from a proxy: no
// constructor takes a plain value or error. Storage here is std::variant.
#pragma once

#include <tuple>
#include <variant>

#include "CoreTypes.h"
#include "Misc/Optional.h"

template <typename... ArgTypes>
struct TValueOrError_ValueProxy
{
	explicit TValueOrError_ValueProxy(ArgTypes&&... InArgs) : Args(static_cast<ArgTypes&&>(InArgs)...) {}
	std::tuple<ArgTypes&&...> Args;
};

template <typename... ArgTypes>
struct TValueOrError_ErrorProxy
{
	explicit TValueOrError_ErrorProxy(ArgTypes&&... InArgs) : Args(static_cast<ArgTypes&&>(InArgs)...) {}
	std::tuple<ArgTypes&&...> Args;
};

template <typename... ArgTypes>
[[nodiscard]] TValueOrError_ValueProxy<ArgTypes...> MakeValue(ArgTypes&&... Args)
{
	return TValueOrError_ValueProxy<ArgTypes...>(static_cast<ArgTypes&&>(Args)...);
}

template <typename... ArgTypes>
[[nodiscard]] TValueOrError_ErrorProxy<ArgTypes...> MakeError(ArgTypes&&... Args)
{
	return TValueOrError_ErrorProxy<ArgTypes...>(static_cast<ArgTypes&&>(Args)...);
}

template <typename ValueType, typename ErrorType>
class TValueOrError
{
	struct FWrapErrorType { ErrorType Error; };
	struct FEmptyType {};

public:
	template <typename... ArgTypes>
	TValueOrError(TValueOrError_ValueProxy<ArgTypes...>&& Proxy)
		: Variant(std::make_from_tuple<ValueType>(std::move(Proxy.Args))) {}
	template <typename... ArgTypes>
	TValueOrError(TValueOrError_ErrorProxy<ArgTypes...>&& Proxy)
		: Variant(FWrapErrorType{std::make_from_tuple<ErrorType>(std::move(Proxy.Args))}) {}

	bool IsValid() const { return Variant.index() == 0; }
	bool HasValue() const { return Variant.index() == 0; }
	bool HasError() const { return Variant.index() == 1; }
	ErrorType& GetError() & { return std::get<1>(Variant).Error; }
	const ErrorType& GetError() const& { return std::get<1>(Variant).Error; }
	ValueType& GetValue() & { return std::get<0>(Variant); }
	const ValueType& GetValue() const& { return std::get<0>(Variant); }
	ValueType StealValue() { ValueType Temp = std::move(GetValue()); Variant.template emplace<FEmptyType>(); return Temp; }
	ErrorType StealError() { ErrorType Temp = std::move(GetError()); Variant.template emplace<FEmptyType>(); return Temp; }

private:
	std::variant<ValueType, FWrapErrorType, FEmptyType> Variant;
};

template <typename ErrorType>
class TValueOrError<void, ErrorType>
{
public:
	TValueOrError(TValueOrError_ValueProxy<>&& Proxy) {}
	template <typename... ArgTypes>
	TValueOrError(TValueOrError_ErrorProxy<ArgTypes...>&& Proxy)
	{
		Error.Emplace(std::make_from_tuple<ErrorType>(std::move(Proxy.Args)));
	}

	bool HasValue() const { return !Error.IsSet(); }
	bool HasError() const { return Error.IsSet(); }
	ErrorType& GetError() & { return Error.GetValue(); }
	const ErrorType& GetError() const& { return Error.GetValue(); }

private:
	TOptional<ErrorType> Error;
};
