// Stand-in for Runtime/Core/Public/Async/TaskGraphInterfaces.h (TaskGraphFwd.h in UE 5.x):
// the ENamedThreads values the plugin names.
#pragma once

namespace ENamedThreads
{
	enum Type : int32_t
	{
		UnusedAnchor = -1,
		RHIThread,
		GameThread,
		ActualRenderingThread,
		AnyThread = 0xff,
	};
}
