// The camera a stream follows, in Unreal's frame: centimetres, the camera looking along its
// local +X with +Z up (what ENGINE_FRAME_UNREAL expects; nothing is converted).
#pragma once

#include "CoreMinimal.h"

struct FWorldStreamView
{
	FVector Location = FVector::ZeroVector;
	FQuat Rotation = FQuat::Identity;
	/** Horizontal field of view, degrees (FMinimalViewInfo::FOV, FEditorViewportClient::ViewFOV). */
	float HorizontalFovDegrees = 90.0f;
	FIntPoint ViewportSize = FIntPoint(1280, 720);
};
