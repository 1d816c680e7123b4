// Stand-in for Runtime/Core/Public/Stats/Stats.h: TStatId and RETURN_QUICK_DECLARE_CYCLE_STAT,
// whose group must be a declared stat group (STATGROUP_Tickables, declared by the engine).
#pragma once

struct TStatId
{
};

struct FStatGroup_STATGROUP_Tickables
{
};

#define RETURN_QUICK_DECLARE_CYCLE_STAT(StatId, GroupId) \
	{ \
		static_assert(sizeof(FStatGroup_##GroupId) > 0); \
		return TStatId(); \
	}
