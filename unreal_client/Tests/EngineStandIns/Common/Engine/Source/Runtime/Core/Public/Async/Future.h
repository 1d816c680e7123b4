// Stand-in for Runtime/Core/Public/Async/Future.h: TFuture, what Async returns.
#pragma once

template <typename ResultType>
class TFuture
{
public:
	TFuture() = default;
	bool IsValid() const;
};
