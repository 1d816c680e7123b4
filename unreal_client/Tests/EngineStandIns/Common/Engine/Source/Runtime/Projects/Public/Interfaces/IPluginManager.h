// Stand-in for Runtime/Projects/Public/Interfaces/IPluginManager.h (UE 5.x, read in a public
// mirror): IPlugin::GetBaseDir() const, IPluginManager::Get() and FindPlugin(const FStringView)
// and FindPlugin(const ANSICHAR*), each returning TSharedPtr<IPlugin>.
#pragma once

#include "CoreMinimal.h"
#include "Containers/StringView.h"

class IPlugin
{
public:
	virtual ~IPlugin() {}
	virtual FString GetBaseDir() const = 0;
};

class PROJECTS_API IPluginManager
{
public:
	virtual ~IPluginManager() {}
	static IPluginManager& Get();
	virtual TSharedPtr<IPlugin> FindPlugin(const FStringView Name) = 0;
	virtual TSharedPtr<IPlugin> FindPlugin(const ANSICHAR* Name) = 0;
};
