// Stand-in for Runtime/Core/Public/Misc/Optional.h: TOptional's Emplace, IsSet, GetValue, Reset.
#pragma once

#include <optional>

template <typename OptionalType>
class TOptional
{
public:
	TOptional() = default;
	template <typename... ArgTypes>
	OptionalType& Emplace(ArgTypes&&... Args) { return Value.emplace(static_cast<ArgTypes&&>(Args)...); }
	bool IsSet() const { return Value.has_value(); }
	OptionalType& GetValue() { return *Value; }
	const OptionalType& GetValue() const { return *Value; }
	void Reset() { Value.reset(); }

private:
	std::optional<OptionalType> Value;
};
