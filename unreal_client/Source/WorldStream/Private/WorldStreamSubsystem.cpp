#include "WorldStreamSubsystem.h"

#include "Engine/Engine.h"
#include "Engine/GameViewportClient.h"
#include "Engine/World.h"
#include "GameFramework/Pawn.h"
#include "GameFramework/PlayerController.h"
#include "Camera/PlayerCameraManager.h"
#include "HAL/PlatformTime.h"
#include "WorldStreamConvert.h"
#include "WorldStreamModule.h"
#include "WorldStreamSession.h"
#include "WorldStreamSettings.h"

bool UWorldStreamSubsystem::ShouldCreateSubsystem(UObject* Outer) const
{
	const UWorld* World = Cast<UWorld>(Outer);
	// Games, PIE and the editor's own world; not previews, thumbnails or inactive worlds.
	return World != nullptr && (World->WorldType == EWorldType::Game || World->WorldType == EWorldType::PIE ||
		World->WorldType == EWorldType::Editor);
}

void UWorldStreamSubsystem::Deinitialize()
{
	StopStreaming();
	Super::Deinitialize();
}

void UWorldStreamSubsystem::OnWorldBeginPlay(UWorld& InWorld)
{
	Super::OnWorldBeginPlay(InWorld);
	const UWorldStreamSettings* Settings = GetDefault<UWorldStreamSettings>();
	if (!Settings->WorldOnBeginPlay.IsEmpty())
	{
		FWorldStreamError Error;
		if (!StartStreaming(Settings->WorldOnBeginPlay, Error))
		{
			UE_LOG(LogWorldStream, Error, TEXT("cannot stream %s: %s"), *Settings->WorldOnBeginPlay, *Error.ToString());
		}
	}
}

bool UWorldStreamSubsystem::StartStreaming(const FString& World, FWorldStreamError& OutError)
{
	StopStreaming();
	const UWorldStreamSettings* Settings = GetDefault<UWorldStreamSettings>();
	auto Client = worldstream::Client::create(WorldStreamConvert::ClientOptionsFromSettings(*Settings));
	if (!Client)
	{
		OutError = WorldStreamConvert::ToUnreal(Client.error());
		return false;
	}

	// The callbacks run inside the session's Tick, on the game thread; the weak pointer keeps a
	// callback from reaching a subsystem that is being torn down.
	TWeakObjectPtr<UWorldStreamSubsystem> Self(this);
	worldstream::DriverCallbacks Callbacks;
	Callbacks.connected = [Self](const worldstream::ExploreHeaderInfo& Header)
	{
		if (UWorldStreamSubsystem* This = Self.Get())
		{
			const FWorldStreamWorld World = WorldStreamConvert::ToUnreal(Header);
			UE_LOG(LogWorldStream, Log, TEXT("streaming %s: %lld splats, budget %lld, %d tiles resumed"), *World.Name,
				(long long)World.SplatCount, (long long)Header.splat_budget, int32(Header.resumed_tiles));
			This->MoveToSpawn(World);
			This->OnConnectedNative.Broadcast(World);
			This->OnConnected.Broadcast(World);
		}
	};
	Callbacks.view_status = [Self](const worldstream::ViewStatusInfo& Status)
	{
		if (UWorldStreamSubsystem* This = Self.Get())
		{
			This->OnViewStatus.Broadcast(WorldStreamConvert::ToUnreal(Status));
		}
	};
	Callbacks.warning = [Self](const worldstream::WarningInfo& Warning)
	{
		const FString Reason = WorldStreamConvert::ToUnreal(Warning.reason);
		const FString Message = WorldStreamConvert::ToUnreal(Warning.message);
		UE_LOG(LogWorldStream, Warning, TEXT("%s: %s"), *Reason, *Message);
		if (UWorldStreamSubsystem* This = Self.Get())
		{
			This->OnWarning.Broadcast(Reason, Message);
		}
	};
	Callbacks.generation = [Self](const worldstream::GenerationProgressInfo& Progress)
	{
		if (UWorldStreamSubsystem* This = Self.Get())
		{
			This->OnGeneration.Broadcast(WorldStreamConvert::ToUnreal(Progress.job), WorldStreamConvert::ToUnreal(Progress.progress.stage),
				float(Progress.progress.fraction));
		}
	};
	Callbacks.disconnected = [Self](const worldstream::Error& Error, bool bWillReconnect)
	{
		const FWorldStreamError Converted = WorldStreamConvert::ToUnreal(Error);
		UE_LOG(LogWorldStream, Warning, TEXT("stream ended: %s%s"), *Converted.ToString(), bWillReconnect ? TEXT("; reconnecting") : TEXT(""));
		if (UWorldStreamSubsystem* This = Self.Get())
		{
			This->OnDisconnected.Broadcast(Converted, bWillReconnect);
		}
	};

	UWorld* TheWorld = GetWorld();
	Session = MakeShared<FWorldStreamSession>(MoveTemp(Client.value()), World, *Settings, TheWorld ? TheWorld->Scene : nullptr, MoveTemp(Callbacks));
	return true;
}

void UWorldStreamSubsystem::StopStreaming()
{
	Session.Reset();
}

bool UWorldStreamSubsystem::IsStreaming() const
{
	return Session.IsValid() && Session->IsRunning();
}

FString UWorldStreamSubsystem::GetStreamedWorld() const
{
	return Session.IsValid() ? Session->World() : FString();
}

int64 UWorldStreamSubsystem::GetResidentSplats() const
{
	return Session.IsValid() ? Session->Residency().resident_splats() : 0;
}

int64 UWorldStreamSubsystem::GetCompleteWorldVersion() const
{
	return Session.IsValid() ? Session->CompleteWorldVersion() : 0;
}

int32 UWorldStreamSubsystem::GetResidentTiles() const
{
	return Session.IsValid() ? int32(Session->Residency().size()) : 0;
}

void UWorldStreamSubsystem::SetViewProvider(TFunction<bool(FWorldStreamView&)> Provider)
{
	ViewProvider = MoveTemp(Provider);
}

void UWorldStreamSubsystem::Tick(float DeltaTime)
{
	Super::Tick(DeltaTime);
	if (!Session.IsValid())
	{
		return;
	}
	FWorldStreamView View;
	const bool bHasView = ViewProvider ? ViewProvider(View) : GetPlayerView(View);
	// Keep a reference: a callback inside Tick may stop the stream.
	const TSharedPtr<FWorldStreamSession> Current = Session;
	Current->Tick(FPlatformTime::Seconds(), DeltaTime, bHasView ? &View : nullptr);
}

TStatId UWorldStreamSubsystem::GetStatId() const
{
	RETURN_QUICK_DECLARE_CYCLE_STAT(UWorldStreamSubsystem, STATGROUP_Tickables);
}

bool UWorldStreamSubsystem::GetPlayerView(FWorldStreamView& OutView) const
{
	const UWorld* World = GetWorld();
	const APlayerController* Controller = World ? World->GetFirstPlayerController() : nullptr;
	if (Controller == nullptr || Controller->PlayerCameraManager == nullptr)
	{
		return false;
	}
	const FMinimalViewInfo& Camera = Controller->PlayerCameraManager->GetCameraCacheView();
	OutView.Location = Camera.Location;
	OutView.Rotation = Camera.Rotation.Quaternion();
	OutView.HorizontalFovDegrees = Camera.FOV;
	if (const UGameViewportClient* Viewport = World->GetGameViewport())
	{
		FVector2D Size;
		Viewport->GetViewportSize(Size);
		if (Size.X >= 1 && Size.Y >= 1)
		{
			OutView.ViewportSize = FIntPoint(int32(Size.X), int32(Size.Y));
		}
	}
	return true;
}

void UWorldStreamSubsystem::MoveToSpawn(const FWorldStreamWorld& World) const
{
	UWorld* TheWorld = GetWorld();
	if (!GetDefault<UWorldStreamSettings>()->bMoveToSpawn || TheWorld == nullptr || !TheWorld->IsGameWorld())
	{
		return;
	}
	APlayerController* Controller = TheWorld->GetFirstPlayerController();
	if (Controller == nullptr)
	{
		return;
	}
	// Where the photo was taken: put the player's view there, looking where the photo looked.
	if (APawn* Pawn = Controller->GetPawn())
	{
		Pawn->SetActorLocation(World.SpawnLocation, false, nullptr, ETeleportType::TeleportPhysics);
	}
	Controller->SetControlRotation(World.SpawnRotation);
}
