// Stand-in for Runtime/Engine/Public/SceneView.h: FViewMatrices' getters, and the FSceneView and
// FSceneViewFamily members the plugin reads (Family, ViewMatrices, PreExposure, bIsViewInfo,
// GetFeatureLevel, IsPerspectiveProjection; Scene).
#pragma once

#include "CoreMinimal.h"
#include "RHI.h"

class FSceneInterface;
class FSceneViewFamily;

struct FViewMatrices
{
	const FMatrix& GetViewMatrix() const;
	const FMatrix& GetProjectionMatrix() const;
	const FMatrix& GetTranslatedViewMatrix() const;
	const FMatrix& GetTranslatedViewProjectionMatrix() const;
	const FVector& GetPreViewTranslation() const;
};

class FSceneView
{
public:
	const FSceneViewFamily* Family = nullptr;
	FViewMatrices ViewMatrices;
	float PreExposure = 1.0f;
	bool bIsViewInfo = false;
	ERHIFeatureLevel::Type GetFeatureLevel() const;
	bool IsPerspectiveProjection() const;
	virtual ~FSceneView() {}
};

class FSceneViewFamily
{
public:
	FSceneInterface* Scene = nullptr;
};
