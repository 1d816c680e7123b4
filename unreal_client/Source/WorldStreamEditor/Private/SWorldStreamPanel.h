// The WorldStream editor panel: the server from the project settings, "Create world from
// photo...", the server's worlds, and "Explore in viewport" / "Stop" for the editor world. Every
// call runs off the game thread (WorldStreamRequests); the panel only shows what comes back.
#pragma once

#include "CoreMinimal.h"
#include "Widgets/SCompoundWidget.h"
#include "Widgets/Views/SListView.h"
#include "WorldStreamTypes.h"

class UWorldStreamSubsystem;

class SWorldStreamPanel : public SCompoundWidget
{
public:
	SLATE_BEGIN_ARGS(SWorldStreamPanel) {}
	SLATE_END_ARGS()

	void Construct(const FArguments& InArgs);
	virtual ~SWorldStreamPanel() override;

private:
	using FWorldItem = TSharedPtr<FWorldStreamWorld>;

	FReply OnCreateFromPhoto();
	FReply OnRefresh();
	FReply OnExplore();
	FReply OnStop();
	FReply OnOpenSettings();
	TSharedRef<ITableRow> MakeRow(FWorldItem Item, const TSharedRef<STableViewBase>& Owner) const;
	UWorldStreamSubsystem* EditorSubsystem() const;
	void SetStatus(const FString& Text);
	void StartExplore(const FString& World);

	TArray<FWorldItem> Worlds;
	TSharedPtr<SListView<FWorldItem>> WorldList;
	FString Status;
	bool bBusy = false;
	FDelegateHandle ConnectedHandle;
};
