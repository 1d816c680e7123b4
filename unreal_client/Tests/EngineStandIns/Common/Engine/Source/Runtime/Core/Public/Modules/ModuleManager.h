// Stand-in for Runtime/Core/Public/Modules/ModuleManager.h: IMPLEMENT_MODULE, which in a
// modular build defines InitializeModule() returning a new module object.
#pragma once

#include "Modules/ModuleInterface.h"

#define IMPLEMENT_MODULE(ModuleImplClass, ModuleName) \
	extern "C" IModuleInterface* InitializeModule() { return new ModuleImplClass(); }
