// Stand-in for Runtime/Core/Public/Logging/LogMacros.h (and LogVerbosity.h):
// DECLARE_LOG_CATEGORY_EXTERN, DEFINE_LOG_CATEGORY and UE_LOG, whose verbosity must name an ELogVerbosity value and
// whose arguments are type-checked, formatted nowhere.
#pragma once

#include "CoreTypes.h"

namespace ELogVerbosity
{
	enum Type : uint8 { NoLogging, Fatal, Error, Warning, Display, Log, Verbose, VeryVerbose, All = VeryVerbose };
}

struct FLogCategoryBase {};

template <typename... Types>
inline void LogStandIn(const FLogCategoryBase&, ELogVerbosity::Type, const TCHAR*, const Types&...)
{
}

#define DECLARE_LOG_CATEGORY_EXTERN(CategoryName, DefaultVerbosity, CompileTimeVerbosity) \
	extern struct FLogCategory##CategoryName : public FLogCategoryBase {} CategoryName;
#define DEFINE_LOG_CATEGORY(CategoryName) FLogCategory##CategoryName CategoryName;
#define UE_LOG(CategoryName, Verbosity, Format, ...) LogStandIn(CategoryName, ELogVerbosity::Verbosity, Format, ##__VA_ARGS__)
