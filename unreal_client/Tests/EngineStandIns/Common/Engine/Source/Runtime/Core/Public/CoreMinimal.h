// Stand-in for Runtime/Core/Public/CoreMinimal.h: it includes the Core headers that the engine's
// CoreMinimal.h includes and that the plugin's render code relies on.
#pragma once

#include "CoreTypes.h"
#include "Containers/Array.h"
#include "Containers/Map.h"
#include "Delegates/Delegate.h"
#include "Logging/LogMacros.h"
#include "Math/IntPoint.h"
#include "Math/Matrix.h"
#include "Math/UnrealMathUtility.h"
#include "Math/Vector.h"
#include "Misc/AssertionMacros.h"
#include "Misc/EnumClassFlags.h"
#include "Templates/SharedPointer.h"
#include "Templates/UnrealTemplate.h"
