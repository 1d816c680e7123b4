// Streams one worldstream world into this UWorld: opens the Explore stream, sends the active
// camera's view each frame (through a throttle), applies arriving tiles within the per-frame
// upload budget and draws every resident tile with one global sort. Game thread only; all
// network and decoding work happens on the stream's own worker thread.
#pragma once

#include "CoreMinimal.h"
#include "Subsystems/WorldSubsystem.h"
#include "WorldStreamTypes.h"
#include "WorldStreamView.h"

#include "WorldStreamSubsystem.generated.h"

class FWorldStreamSession;

DECLARE_DYNAMIC_MULTICAST_DELEGATE_OneParam(FWorldStreamConnectedEvent, const FWorldStreamWorld&, World);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_OneParam(FWorldStreamViewStatusEvent, const FWorldStreamViewStatus&, Status);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_TwoParams(FWorldStreamWarningEvent, const FString&, Reason, const FString&, Message);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_ThreeParams(FWorldStreamGenerationEvent, const FString&, Job, const FString&, Stage, float, Fraction);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_TwoParams(FWorldStreamDisconnectedEvent, const FWorldStreamError&, Error, bool, bWillReconnect);
/** OnConnected for C++ listeners that are not UObjects (the editor panel). */
DECLARE_MULTICAST_DELEGATE_OneParam(FWorldStreamConnectedNative, const FWorldStreamWorld&);

UCLASS()
class WORLDSTREAM_API UWorldStreamSubsystem : public UTickableWorldSubsystem
{
	GENERATED_BODY()

public:
	// USubsystem / UWorldSubsystem
	virtual bool ShouldCreateSubsystem(UObject* Outer) const override;
	virtual void Deinitialize() override;
	virtual void OnWorldBeginPlay(UWorld& InWorld) override;

	// FTickableGameObject: the editor world streams too (the editor module starts it there).
	virtual void Tick(float DeltaTime) override;
	virtual TStatId GetStatId() const override;
	virtual bool IsTickableInEditor() const override { return true; }

	/**
	 * Starts streaming `World` (worlds/{world}) with the project settings, replacing any stream.
	 * False, with the reason in OutError, when the settings cannot make a client (no endpoint, a
	 * token for a plaintext remote server); everything later arrives through the events.
	 */
	UFUNCTION(BlueprintCallable, Category = "WorldStream")
	bool StartStreaming(const FString& World, FWorldStreamError& OutError);

	/** Ends the stream and drops every tile. */
	UFUNCTION(BlueprintCallable, Category = "WorldStream")
	void StopStreaming();

	UFUNCTION(BlueprintPure, Category = "WorldStream")
	bool IsStreaming() const;

	UFUNCTION(BlueprintPure, Category = "WorldStream")
	FString GetStreamedWorld() const;

	UFUNCTION(BlueprintPure, Category = "WorldStream")
	int64 GetResidentSplats() const;

	UFUNCTION(BlueprintPure, Category = "WorldStream")
	int32 GetResidentTiles() const;

	/**
	 * The world version (ViewStatus.world_version) the latest complete view was taken at: all
	 * that view needs is held at its chosen level and at this version. 0 until a view completes.
	 */
	UFUNCTION(BlueprintPure, Category = "WorldStream")
	int64 GetCompleteWorldVersion() const;

	/**
	 * Where the view comes from. Unset: the first local player's camera. The editor module sets it
	 * to the active level viewport's camera for streams it starts in the editor world.
	 */
	void SetViewProvider(TFunction<bool(FWorldStreamView&)> Provider);

	/** The stream is up; the world's spawn pose is in Unreal's frame. */
	UPROPERTY(BlueprintAssignable, Category = "WorldStream")
	FWorldStreamConnectedEvent OnConnected;

	FWorldStreamConnectedNative OnConnectedNative;

	UPROPERTY(BlueprintAssignable, Category = "WorldStream")
	FWorldStreamViewStatusEvent OnViewStatus;

	/** A recoverable problem (the server's StreamWarning or the client's); the stream goes on. */
	UPROPERTY(BlueprintAssignable, Category = "WorldStream")
	FWorldStreamWarningEvent OnWarning;

	UPROPERTY(BlueprintAssignable, Category = "WorldStream")
	FWorldStreamGenerationEvent OnGeneration;

	/** The stream ended; bWillReconnect says whether it comes back on its own (resuming what it holds). */
	UPROPERTY(BlueprintAssignable, Category = "WorldStream")
	FWorldStreamDisconnectedEvent OnDisconnected;

private:
	bool GetPlayerView(FWorldStreamView& OutView) const;
	void MoveToSpawn(const FWorldStreamWorld& World) const;

	/** The live stream; a shared pointer so that this header needs no definition of it. */
	TSharedPtr<FWorldStreamSession> Session;
	TFunction<bool(FWorldStreamView&)> ViewProvider;
};
