// Stand-in for Runtime/RHI/Public/RHI.h: it includes RHIDefinitions.h and RHIResources.h, and
// declares GRHIMaxDispatchThreadGroupsPerDimension (which FComputeShaderUtils reads).
#pragma once

#include "CoreMinimal.h"
#include "Math/IntPoint.h"
#include "RHIDefinitions.h"
#include "RHIResources.h"

extern RHI_API FIntVector GRHIMaxDispatchThreadGroupsPerDimension;
