#include "SWorldStreamPanel.h"

#include "DesktopPlatformModule.h"
#include "Editor.h"
#include "Framework/Application/SlateApplication.h"
#include "IDesktopPlatform.h"
#include "ISettingsModule.h"
#include "LevelEditorViewport.h"
#include "Misc/FileHelper.h"
#include "Misc/Paths.h"
#include "Modules/ModuleManager.h"
#include "Widgets/Input/SButton.h"
#include "Widgets/Layout/SBox.h"
#include "Widgets/SBoxPanel.h"
#include "Widgets/Text/STextBlock.h"
#include "WorldStreamRequests.h"
#include "WorldStreamSettings.h"
#include "WorldStreamSubsystem.h"
#include "WorldStreamView.h"

#define LOCTEXT_NAMESPACE "WorldStreamEditor"

namespace
{
	/** The perspective level viewport the user is flying, or the first one. */
	FLevelEditorViewportClient* ActivePerspectiveViewport()
	{
		if (GCurrentLevelEditingViewportClient != nullptr && GCurrentLevelEditingViewportClient->IsPerspective())
		{
			return GCurrentLevelEditingViewportClient;
		}
		for (FLevelEditorViewportClient* Client : GEditor->GetLevelViewportClients())
		{
			if (Client != nullptr && Client->IsPerspective())
			{
				return Client;
			}
		}
		return nullptr;
	}
}

namespace
{
	/** The active perspective level viewport's camera, in Unreal's frame as streams expect it. */
	bool EditorViewportView(FWorldStreamView& OutView)
	{
		FLevelEditorViewportClient* Client = ActivePerspectiveViewport();
		if (Client == nullptr || Client->Viewport == nullptr)
		{
			return false;
		}
		OutView.Location = Client->GetViewLocation();
		OutView.Rotation = Client->GetViewRotation().Quaternion();
		OutView.HorizontalFovDegrees = Client->ViewFOV;
		OutView.ViewportSize = Client->Viewport->GetSizeXY();
		return OutView.ViewportSize.X > 0 && OutView.ViewportSize.Y > 0;
	}

	/** Puts the viewport camera where the world's photo was taken. */
	void MoveViewportToSpawn(const FWorldStreamWorld& World)
	{
		if (FLevelEditorViewportClient* Client = ActivePerspectiveViewport())
		{
			Client->SetViewLocation(World.SpawnLocation);
			Client->SetViewRotation(World.SpawnRotation);
			Client->Invalidate();
		}
	}
}

void SWorldStreamPanel::Construct(const FArguments& InArgs)
{
	ChildSlot
	[
		SNew(SVerticalBox)
		+ SVerticalBox::Slot().AutoHeight().Padding(4)
		[
			SNew(SHorizontalBox)
			+ SHorizontalBox::Slot().FillWidth(1.0f).VAlign(VAlign_Center)
			[
				SNew(STextBlock).Text_Lambda([]()
				{
					const UWorldStreamSettings* S = GetDefault<UWorldStreamSettings>();
					return FText::Format(LOCTEXT("Server", "Server: {0}{1}"), FText::FromString(S->Endpoint),
						S->bUseTls ? LOCTEXT("Tls", " (TLS)") : FText::GetEmpty());
				})
			]
			+ SHorizontalBox::Slot().AutoWidth()
			[
				SNew(SButton).Text(LOCTEXT("Settings", "Settings...")).OnClicked(this, &SWorldStreamPanel::OnOpenSettings)
			]
		]
		+ SVerticalBox::Slot().AutoHeight().Padding(4)
		[
			SNew(SHorizontalBox)
			+ SHorizontalBox::Slot().AutoWidth().Padding(0, 0, 4, 0)
			[
				SNew(SButton)
				.Text(LOCTEXT("Create", "Create world from photo..."))
				.IsEnabled_Lambda([this]() { return !bBusy; })
				.OnClicked(this, &SWorldStreamPanel::OnCreateFromPhoto)
			]
			+ SHorizontalBox::Slot().AutoWidth().Padding(0, 0, 4, 0)
			[
				SNew(SButton).Text(LOCTEXT("Refresh", "Refresh")).OnClicked(this, &SWorldStreamPanel::OnRefresh)
			]
			+ SHorizontalBox::Slot().AutoWidth().Padding(0, 0, 4, 0)
			[
				SNew(SButton)
				.Text(LOCTEXT("Explore", "Explore in viewport"))
				.IsEnabled_Lambda([this]() { return WorldList.IsValid() && WorldList->GetNumItemsSelected() == 1; })
				.OnClicked(this, &SWorldStreamPanel::OnExplore)
			]
			+ SHorizontalBox::Slot().AutoWidth()
			[
				SNew(SButton).Text(LOCTEXT("Stop", "Stop")).OnClicked(this, &SWorldStreamPanel::OnStop)
			]
		]
		+ SVerticalBox::Slot().FillHeight(1.0f).Padding(4)
		[
			SAssignNew(WorldList, SListView<FWorldItem>)
			.ListItemsSource(&Worlds)
			.SelectionMode(ESelectionMode::Single)
			.OnGenerateRow(this, &SWorldStreamPanel::MakeRow)
		]
		+ SVerticalBox::Slot().AutoHeight().Padding(4)
		[
			SNew(STextBlock).AutoWrapText(true).Text_Lambda([this]() { return FText::FromString(Status); })
		]
	];
	OnRefresh();
}

SWorldStreamPanel::~SWorldStreamPanel()
{
	if (UWorldStreamSubsystem* Subsystem = EditorSubsystem())
	{
		Subsystem->OnConnectedNative.Remove(ConnectedHandle);
	}
}

TSharedRef<ITableRow> SWorldStreamPanel::MakeRow(FWorldItem Item, const TSharedRef<STableViewBase>& Owner) const
{
	const FString Label = FString::Printf(TEXT("%s  %s  %lld splats%s"), *Item->Name, *Item->DisplayName, (long long)Item->SplatCount,
		Item->bReady ? TEXT("") : TEXT("  (not ready)"));
	return SNew(STableRow<FWorldItem>, Owner)[SNew(STextBlock).Text(FText::FromString(Label))];
}

UWorldStreamSubsystem* SWorldStreamPanel::EditorSubsystem() const
{
	UWorld* World = GEditor ? GEditor->GetEditorWorldContext().World() : nullptr;
	return World ? World->GetSubsystem<UWorldStreamSubsystem>() : nullptr;
}

void SWorldStreamPanel::SetStatus(const FString& Text)
{
	Status = Text;
}

FReply SWorldStreamPanel::OnOpenSettings()
{
	if (ISettingsModule* Settings = FModuleManager::GetModulePtr<ISettingsModule>("Settings"))
	{
		Settings->ShowViewer("Project", "Plugins", "WorldStreamSettings");
	}
	return FReply::Handled();
}

FReply SWorldStreamPanel::OnCreateFromPhoto()
{
	IDesktopPlatform* Desktop = FDesktopPlatformModule::Get();
	TArray<FString> Files;
	const void* Parent = FSlateApplication::Get().FindBestParentWindowHandleForDialogs(AsShared());
	if (Desktop == nullptr ||
		!Desktop->OpenFileDialog(Parent, TEXT("Photo for a new world"), FPaths::ProjectDir(), TEXT(""),
			TEXT("Images (*.jpg;*.jpeg;*.png;*.webp)|*.jpg;*.jpeg;*.png;*.webp"), EFileDialogFlags::None, Files) ||
		Files.Num() != 1)
	{
		return FReply::Handled();
	}
	TArray<uint8> Photo;
	if (!FFileHelper::LoadFileToArray(Photo, *Files[0]))
	{
		SetStatus(FString::Printf(TEXT("Cannot read %s"), *Files[0]));
		return FReply::Handled();
	}
	FWorldStreamCreateOptions Options;
	Options.DisplayName = FPaths::GetBaseFilename(Files[0]);
	bBusy = true;
	SetStatus(FString::Printf(TEXT("Creating a world from %s..."), *FPaths::GetCleanFilename(Files[0])));
	TWeakPtr<SWorldStreamPanel> Weak = StaticCastSharedRef<SWorldStreamPanel>(AsShared());
	WorldStreamRequests::CreateWorld(MoveTemp(Photo), Options,
		[Weak](const FString& Stage, float Fraction)
		{
			if (TSharedPtr<SWorldStreamPanel> Panel = Weak.Pin())
			{
				Panel->SetStatus(FString::Printf(TEXT("Creating: %s %.0f%%"), *Stage, 100.0f * Fraction));
			}
		},
		[Weak](WorldStreamRequests::FWorldResult&& Result)
		{
			TSharedPtr<SWorldStreamPanel> Panel = Weak.Pin();
			if (!Panel.IsValid())
			{
				return;
			}
			Panel->bBusy = false;
			if (Result.HasError())
			{
				Panel->SetStatus(FString::Printf(TEXT("Creation failed: %s"), *Result.GetError().ToString()));
				return;
			}
			const FWorldStreamWorld World = Result.GetValue();
			Panel->SetStatus(FString::Printf(TEXT("%s is ready: %lld splats. Streaming it into the viewport."), *World.Name, (long long)World.SplatCount));
			Panel->OnRefresh();
			Panel->StartExplore(World.Name);
		});
	return FReply::Handled();
}

FReply SWorldStreamPanel::OnRefresh()
{
	TWeakPtr<SWorldStreamPanel> Weak = StaticCastSharedRef<SWorldStreamPanel>(AsShared());
	WorldStreamRequests::ListWorlds([Weak](WorldStreamRequests::FWorldsResult&& Result)
	{
		TSharedPtr<SWorldStreamPanel> Panel = Weak.Pin();
		if (!Panel.IsValid())
		{
			return;
		}
		if (Result.HasError())
		{
			Panel->SetStatus(FString::Printf(TEXT("Cannot list worlds: %s"), *Result.GetError().ToString()));
			return;
		}
		Panel->Worlds.Reset();
		for (const FWorldStreamWorld& World : Result.GetValue())
		{
			Panel->Worlds.Add(MakeShared<FWorldStreamWorld>(World));
		}
		Panel->WorldList->RequestListRefresh();
	});
	return FReply::Handled();
}

FReply SWorldStreamPanel::OnExplore()
{
	const TArray<FWorldItem> Selected = WorldList->GetSelectedItems();
	if (Selected.Num() == 1)
	{
		StartExplore(Selected[0]->Name);
	}
	return FReply::Handled();
}

void SWorldStreamPanel::StartExplore(const FString& World)
{
	UWorldStreamSubsystem* Subsystem = EditorSubsystem();
	if (Subsystem == nullptr)
	{
		SetStatus(TEXT("No editor world to stream into."));
		return;
	}
	Subsystem->SetViewProvider([](FWorldStreamView& View) { return EditorViewportView(View); });
	// The first header of this stream moves the viewport to the spawn pose; reconnects leave the
	// camera where the user flew it.
	Subsystem->OnConnectedNative.Remove(ConnectedHandle);
	ConnectedHandle = Subsystem->OnConnectedNative.AddLambda([this, Subsystem](const FWorldStreamWorld& Connected)
	{
		MoveViewportToSpawn(Connected);
		Subsystem->OnConnectedNative.Remove(ConnectedHandle);
		ConnectedHandle.Reset();
	});
	FWorldStreamError Error;
	if (!Subsystem->StartStreaming(World, Error))
	{
		SetStatus(FString::Printf(TEXT("Cannot stream %s: %s"), *World, *Error.ToString()));
		return;
	}
	SetStatus(FString::Printf(TEXT("Streaming %s into the editor viewport."), *World));
}

FReply SWorldStreamPanel::OnStop()
{
	if (UWorldStreamSubsystem* Subsystem = EditorSubsystem())
	{
		Subsystem->StopStreaming();
		Subsystem->SetViewProvider(nullptr);
	}
	SetStatus(TEXT("Stopped."));
	return FReply::Handled();
}

#undef LOCTEXT_NAMESPACE
