// Stand-in for Runtime/Core/Public/Modules/ModuleInterface.h: IModuleInterface's module hooks.
#pragma once

class IModuleInterface
{
public:
	virtual ~IModuleInterface() {}
	virtual void StartupModule() {}
	virtual void ShutdownModule() {}
};
