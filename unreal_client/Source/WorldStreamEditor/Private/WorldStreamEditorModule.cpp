// Registers Window > WorldStream: the panel that creates worlds and streams them into the editor
// viewport.
#include "Framework/Application/SlateApplication.h"
#include "Framework/Docking/TabManager.h"
#include "Modules/ModuleManager.h"
#include "SWorldStreamPanel.h"
#include "Widgets/Docking/SDockTab.h"
#include "WorkspaceMenuStructure.h"
#include "WorkspaceMenuStructureModule.h"

#define LOCTEXT_NAMESPACE "WorldStreamEditor"

namespace
{
	const FName PanelTab(TEXT("WorldStream"));
}

class FWorldStreamEditorModule : public IModuleInterface
{
public:
	virtual void StartupModule() override
	{
		FGlobalTabmanager::Get()
			->RegisterNomadTabSpawner(PanelTab, FOnSpawnTab::CreateLambda([](const FSpawnTabArgs&)
			{
				return SNew(SDockTab).TabRole(ETabRole::NomadTab)[SNew(SWorldStreamPanel)];
			}))
			.SetDisplayName(LOCTEXT("TabTitle", "WorldStream"))
			.SetTooltipText(LOCTEXT("TabTooltip", "Create a world from a photo and stream it into the viewport"))
			.SetGroup(WorkspaceMenu::GetMenuStructure().GetToolsCategory());
	}

	virtual void ShutdownModule() override
	{
		if (FSlateApplication::IsInitialized())
		{
			FGlobalTabmanager::Get()->UnregisterNomadTabSpawner(PanelTab);
		}
	}
};

IMPLEMENT_MODULE(FWorldStreamEditorModule, WorldStreamEditor)

#undef LOCTEXT_NAMESPACE
