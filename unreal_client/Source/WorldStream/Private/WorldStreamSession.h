// One Explore stream in one world, as the subsystem runs it on the game thread: the core's
// client and session (whose worker thread does all network and decoding work), its driver
// (residency, fades, acks, resume manifest), the view throttle and the splat sink. The
// subsystem owns exactly one while streaming.
#pragma once

#include "CoreMinimal.h"
#include "WorldStreamView.h"

#include <memory>

#include "worldstream/camera.h"
#include "worldstream/client.h"
#include "worldstream/explore_driver.h"

class FSceneInterface;
class FWorldStreamSplatSink;
class UWorldStreamSettings;

class FWorldStreamSession
{
public:
	/** Starts the stream at once; errors arrive through Callbacks.disconnected. */
	FWorldStreamSession(std::unique_ptr<worldstream::Client> Client, const FString& World, const UWorldStreamSettings& Settings,
		FSceneInterface* Scene, worldstream::DriverCallbacks Callbacks);
	~FWorldStreamSession();

	/** Once a frame: sends the view if it is worth it, applies what arrived within the upload budget. */
	void Tick(double NowSeconds, float DeltaSeconds, const FWorldStreamView* View);

	const worldstream::TileResidency& Residency() const { return Driver->residency(); }
	int64 CompleteWorldVersion() const { return Driver->complete_world_version(); }
	const FString& World() const { return WorldName; }
	bool IsRunning() const { return Session->running(); }

private:
	FString WorldName;
	int64 UploadSplatsPerFrame;
	std::unique_ptr<worldstream::Client> Client;
	std::unique_ptr<worldstream::ExploreSession> Session;
	TUniquePtr<FWorldStreamSplatSink> Sink;
	std::unique_ptr<worldstream::ExploreDriver> Driver;
	worldstream::ViewThrottle Throttle;
	FVector LastLocation = FVector::ZeroVector;
	FVector Velocity = FVector::ZeroVector;
	bool bHasLastLocation = false;
};
