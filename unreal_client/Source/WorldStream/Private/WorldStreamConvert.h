// Between WorldStreamCore's plain C++ values and Unreal's. The server speaks Unreal's frame and
// units (ENGINE_FRAME_UNREAL: +X forward, +Y right, +Z up, centimetres, camera looking along
// local +X), so positions and rotations cross unchanged.
#pragma once

#include "CoreMinimal.h"
#include "WorldStreamSettings.h"
#include "WorldStreamTypes.h"

#include "worldstream/client.h"

namespace WorldStreamConvert
{
	inline FString ToUnreal(const std::string& Text)
	{
		return FString(UTF8_TO_TCHAR(Text.c_str()));
	}

	inline std::string ToCore(const FString& Text)
	{
		return std::string(TCHAR_TO_UTF8(*Text));
	}

	inline FVector ToUnreal(const worldstream::Vec3& V)
	{
		return FVector(V.x, V.y, V.z);
	}

	inline FQuat ToUnreal(const worldstream::Quat& Q)
	{
		return FQuat(Q.x, Q.y, Q.z, Q.w);
	}

	inline worldstream::Vec3 ToCore(const FVector& V)
	{
		return worldstream::Vec3{V.X, V.Y, V.Z};
	}

	inline worldstream::Quat ToCore(const FQuat& Q)
	{
		return worldstream::Quat{Q.X, Q.Y, Q.Z, Q.W};
	}

	inline FWorldStreamError ToUnreal(const worldstream::Error& Error)
	{
		FWorldStreamError Out;
		// Both enums carry gRPC's numbers (checked by tests/test_unreal_core.py for the core's).
		Out.Code = static_cast<EWorldStreamStatusCode>(static_cast<int>(Error.code));
		Out.Reason = ToUnreal(Error.reason);
		Out.Message = ToUnreal(Error.message);
		for (const auto& Entry : Error.metadata)
		{
			Out.Metadata.Add(ToUnreal(Entry.first), ToUnreal(Entry.second));
		}
		Out.Advice = static_cast<EWorldStreamRetryAdvice>(static_cast<int>(Error.advice()));
		return Out;
	}

	inline FWorldStreamWorld ToUnreal(const worldstream::WorldInfo& World)
	{
		FWorldStreamWorld Out;
		Out.Name = ToUnreal(World.name);
		Out.DisplayName = ToUnreal(World.display_name);
		Out.bReady = World.state == worldstream::WorldState::Ready;
		Out.SplatCount = World.splat_count;
		Out.TileSizeMeters = World.tile_size_m;
		Out.FailureMessage = ToUnreal(World.failure_message);
		Out.SpawnVerticalFovDegrees = World.spawn_vertical_fov_degrees;
		return Out;
	}

	/** The world of a stream's header, with the spawn pose the server converted to Unreal's frame. */
	inline FWorldStreamWorld ToUnreal(const worldstream::ExploreHeaderInfo& Header)
	{
		FWorldStreamWorld Out = ToUnreal(Header.world);
		Out.SpawnLocation = ToUnreal(Header.spawn_position);
		Out.SpawnRotation = ToUnreal(Header.spawn_rotation).Rotator();
		return Out;
	}

	inline FWorldStreamViewStatus ToUnreal(const worldstream::ViewStatusInfo& Status)
	{
		FWorldStreamViewStatus Out;
		Out.Sequence = Status.sequence;
		Out.bComplete = Status.complete;
		Out.PendingTiles = Status.pending_tiles;
		Out.ResidentSplats = Status.resident_splats;
		Out.PendingGeneration = Status.pending_generation;
		Out.WorldVersion = Status.world_version;
		return Out;
	}

	/** Client options from the project settings; the certificate file is read here. */
	worldstream::ClientOptions ClientOptionsFromSettings(const UWorldStreamSettings& Settings);
}
