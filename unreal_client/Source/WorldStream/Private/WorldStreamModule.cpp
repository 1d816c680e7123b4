#include "WorldStreamModule.h"

#include "Interfaces/IPluginManager.h"
#include "Misc/Paths.h"
#include "Modules/ModuleManager.h"
#include "ShaderCore.h"

DEFINE_LOG_CATEGORY(LogWorldStream);

void FWorldStreamModule::StartupModule()
{
	// Global shaders of a plugin need their directory mapped before the shader map loads,
	// hence the module's PostConfigInit loading phase.
	const TSharedPtr<IPlugin> Plugin = IPluginManager::Get().FindPlugin(TEXT("WorldStream"));
	check(Plugin.IsValid());
	AddShaderSourceDirectoryMapping(TEXT("/Plugin/WorldStream"), FPaths::Combine(Plugin->GetBaseDir(), TEXT("Shaders")));
}

void FWorldStreamModule::ShutdownModule()
{
}

IMPLEMENT_MODULE(FWorldStreamModule, WorldStream)
