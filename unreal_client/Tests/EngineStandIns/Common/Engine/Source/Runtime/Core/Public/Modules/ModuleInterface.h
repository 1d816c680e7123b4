// Stand-in for Runtime/Core/Public/Modules/ModuleInterface.h: IModuleInterface's module hooks.
// The engine's header includes CoreTypes.h and nothing else (read in public copies of 4.x and 5.x).
#pragma once

#include "CoreTypes.h"

class IModuleInterface
{
public:
	virtual ~IModuleInterface() {}
	virtual void StartupModule() {}
	virtual void ShutdownModule() {}
};
