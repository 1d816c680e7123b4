// Stand-in for Runtime/RenderCore/Public/RenderingThread.h: ENQUEUE_RENDER_COMMAND(Type)(Lambda
// taking FRHICommandListImmediate&); it includes CoreGlobals.h's thread queries.
#pragma once

#include "CoreGlobals.h"
#include "RHICommandList.h"

struct FRenderCommandEnqueuer
{
	template <typename LambdaType>
	void operator()(LambdaType&& Lambda) const
	{
		static_assert(std::is_invocable_v<LambdaType&, FRHICommandListImmediate&>, "a render command takes FRHICommandListImmediate&");
	}
};

#define ENQUEUE_RENDER_COMMAND(Type) FRenderCommandEnqueuer()
