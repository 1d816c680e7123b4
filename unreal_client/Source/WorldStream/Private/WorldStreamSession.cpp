#include "WorldStreamSession.h"

#include "WorldStreamConvert.h"
#include "WorldStreamRenderState.h"
#include "WorldStreamSettings.h"
#include "WorldStreamSplatSink.h"

FWorldStreamSession::FWorldStreamSession(std::unique_ptr<worldstream::Client> InClient, const FString& World,
	const UWorldStreamSettings& Settings, FSceneInterface* Scene, worldstream::DriverCallbacks Callbacks)
	: WorldName(World)
	, UploadSplatsPerFrame(Settings.UploadSplatsPerFrame)
	, Client(MoveTemp(InClient))
	, Throttle(worldstream::ViewThrottleSettings{Settings.MinViewIntervalSeconds, Settings.MinViewMoveCentimeters,
		  Settings.MinViewRotationDegrees, 0.5})
{
	worldstream::ExploreOptions Options;
	Options.world = WorldStreamConvert::ToCore(World);
	// The server converts every position, rotation, scale and SH coefficient to Unreal's frame
	// and centimetres (docs/engine-frames.md); nothing is converted here.
	Options.engine_frame = worldstream::EngineFrame::Unreal;
	// Through the getters: an ini file can hold any value, and the pool that a budget implies
	// must stay within what one wrapped dispatch covers (worldstream::clamp_splat_budget).
	const int64 SplatBudget = Settings.GetSplatBudget();
	Options.splat_budget = SplatBudget;
	Options.credit_bytes = int64(Settings.CreditMegabytes) * 1024 * 1024;
	Options.no_generation = Settings.bNoGeneration;

	FWorldStreamDrawSettings DrawSettings;
	DrawSettings.MinAlpha = Settings.MinAlpha;
	Sink = MakeUnique<FWorldStreamSplatSink>(Scene, Settings.GetPoolCapacity(), DrawSettings);
	Session = Client->explore(MoveTemp(Options));
	Driver = std::make_unique<worldstream::ExploreDriver>(*Session, *Sink, SplatBudget, Settings.FadeSeconds, MoveTemp(Callbacks));
}

FWorldStreamSession::~FWorldStreamSession()
{
	// The worker thread stops first, so nothing reaches the driver or the sink while they go.
	Session->stop();
	Driver.reset();
	Sink.Reset();
}

void FWorldStreamSession::Tick(double NowSeconds, float DeltaSeconds, const FWorldStreamView* View)
{
	if (View != nullptr)
	{
		if (bHasLastLocation && DeltaSeconds > 0.0f)
		{
			// Smoothed over about a quarter second: the server only uses it to prefetch.
			const FVector Step = (View->Location - LastLocation) / DeltaSeconds;
			Velocity = FMath::Lerp(Velocity, Step, FMath::Clamp(DeltaSeconds / 0.25f, 0.0f, 1.0f));
		}
		LastLocation = View->Location;
		bHasLastLocation = true;

		worldstream::CameraPose Pose;
		Pose.position = WorldStreamConvert::ToCore(View->Location);
		Pose.rotation = WorldStreamConvert::ToCore(View->Rotation.GetNormalized());
		Pose.viewport_width = FMath::Max(1, View->ViewportSize.X);
		Pose.viewport_height = FMath::Max(1, View->ViewportSize.Y);
		// Unreal's FOV is horizontal; the wire's is vertical.
		Pose.vertical_fov_degrees = worldstream::vertical_fov_from_horizontal(View->HorizontalFovDegrees, Pose.viewport_width, Pose.viewport_height);
		Pose.velocity = WorldStreamConvert::ToCore(Velocity);
		if (const std::optional<worldstream::ViewToSend> Send = Throttle.offer(Pose, NowSeconds))
		{
			Session->send_view(*Send);
		}
	}
	Driver->tick(NowSeconds, UploadSplatsPerFrame);
}
