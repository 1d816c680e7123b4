#include "WorldStreamRequests.h"

#include "Async/Async.h"
#include "WorldStreamConvert.h"
#include "WorldStreamSettings.h"

namespace
{
	/** Runs Call on its own thread with a client made from the settings; Finish on the game thread. */
	template <typename ResultType>
	void RunOffGameThread(TFunction<ResultType(worldstream::Client&)> Call, TFunction<void(ResultType&&)> Finish)
	{
		// Read on the game thread: settings are UObjects.
		worldstream::ClientOptions Options = WorldStreamConvert::ClientOptionsFromSettings(*GetDefault<UWorldStreamSettings>());
		Async(EAsyncExecution::Thread, [Options = MoveTemp(Options), Call = MoveTemp(Call), Finish = MoveTemp(Finish)]() mutable
		{
			auto Client = worldstream::Client::create(Options);
			TSharedRef<TOptional<ResultType>> Result = MakeShared<TOptional<ResultType>>();
			if (!Client)
			{
				Result->Emplace(MakeError(WorldStreamConvert::ToUnreal(Client.error())));
			}
			else
			{
				Result->Emplace(Call(*Client.value()));
			}
			AsyncTask(ENamedThreads::GameThread, [Result, Finish = MoveTemp(Finish)]() { Finish(MoveTemp(Result->GetValue())); });
		});
	}
}

void WorldStreamRequests::CreateWorld(TArray<uint8> Photo, const FWorldStreamCreateOptions& Options,
	TFunction<void(const FString&, float)> OnProgress, TFunction<void(FWorldResult&&)> OnDone)
{
	worldstream::CreateWorldOptions CoreOptions;
	CoreOptions.world_id = WorldStreamConvert::ToCore(Options.WorldId);
	CoreOptions.display_name = WorldStreamConvert::ToCore(Options.DisplayName);
	CoreOptions.horizontal_fov_degrees = Options.HorizontalFovDegrees;
	CoreOptions.tile_size_m = Options.TileSizeMeters;
	CoreOptions.max_side_px = Options.MaxSidePixels;
	TFunction<FWorldResult(worldstream::Client&)> Call =
		[Photo = MoveTemp(Photo), CoreOptions, OnProgress = MoveTemp(OnProgress)](worldstream::Client& Client) -> FWorldResult
	{
		const std::string Bytes(reinterpret_cast<const char*>(Photo.GetData()), Photo.Num());
		auto World = Client.create_world(Bytes, CoreOptions, [&OnProgress](const worldstream::Progress& Progress)
		{
			if (OnProgress)
			{
				AsyncTask(ENamedThreads::GameThread, [OnProgress, Stage = WorldStreamConvert::ToUnreal(Progress.stage), Fraction = float(Progress.fraction)]()
				{
					OnProgress(Stage, Fraction);
				});
			}
		});
		if (!World)
		{
			return MakeError(WorldStreamConvert::ToUnreal(World.error()));
		}
		return MakeValue(WorldStreamConvert::ToUnreal(World.value()));
	};
	RunOffGameThread<FWorldResult>(MoveTemp(Call), MoveTemp(OnDone));
}

void WorldStreamRequests::ListWorlds(TFunction<void(FWorldsResult&&)> OnDone)
{
	TFunction<FWorldsResult(worldstream::Client&)> Call = [](worldstream::Client& Client) -> FWorldsResult
	{
		auto Worlds = Client.list_worlds();
		if (!Worlds)
		{
			return MakeError(WorldStreamConvert::ToUnreal(Worlds.error()));
		}
		TArray<FWorldStreamWorld> Out;
		for (const worldstream::WorldInfo& World : Worlds.value())
		{
			Out.Add(WorldStreamConvert::ToUnreal(World));
		}
		return MakeValue(MoveTemp(Out));
	};
	RunOffGameThread<FWorldsResult>(MoveTemp(Call), MoveTemp(OnDone));
}

void WorldStreamRequests::DeleteWorld(const FString& World, TFunction<void(FDoneResult&&)> OnDone)
{
	TFunction<FDoneResult(worldstream::Client&)> Call = [Name = WorldStreamConvert::ToCore(World)](worldstream::Client& Client) -> FDoneResult
	{
		auto Done = Client.delete_world(Name);
		if (!Done)
		{
			return MakeError(WorldStreamConvert::ToUnreal(Done.error()));
		}
		return MakeValue();
	};
	RunOffGameThread<FDoneResult>(MoveTemp(Call), MoveTemp(OnDone));
}
