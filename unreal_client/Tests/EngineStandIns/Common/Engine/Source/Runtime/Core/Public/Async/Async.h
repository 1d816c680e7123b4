// Stand-in for Runtime/Core/Public/Async/Async.h: EAsyncExecution, Async(Execution, Callable,
// CompletionCallback = nullptr) returning TFuture of the callable's result, and AsyncTask(Thread,
// TUniqueFunction<void()>).
// Not read in an engine source copy here: these signatures follow the engine's documented API
// as the plugin calls it, and need checking against an engine tree.
#pragma once

#include <type_traits>

#include "CoreTypes.h"
#include "Async/Future.h"
#include "Async/TaskGraphInterfaces.h"
#include "Templates/Function.h"

enum class EAsyncExecution
{
	TaskGraph,
	TaskGraphMainThread,
	Thread,
	ThreadIfForkSafe,
	ThreadPool,
	LargeThreadPool,
};

template <typename CallableType>
auto Async(EAsyncExecution Execution, CallableType&& Callable, TUniqueFunction<void()> CompletionCallback = nullptr)
	-> TFuture<decltype(static_cast<CallableType&&>(Callable)())>
{
	static_assert(std::is_invocable_v<CallableType&&>, "Async runs a callable that takes no arguments");
	return {};
}

void AsyncTask(ENamedThreads::Type Thread, TUniqueFunction<void()> Function);
