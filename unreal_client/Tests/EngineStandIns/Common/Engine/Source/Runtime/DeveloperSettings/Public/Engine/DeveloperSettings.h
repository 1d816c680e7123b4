// Stand-in for Runtime/DeveloperSettings/Public/Engine/DeveloperSettings.h (read in
// chenyong2github/UnrealEngine): UDeveloperSettings's virtual GetContainerName, GetCategoryName
// and GetSectionName, each `FName ...() const`.
#pragma once

#include "CoreMinimal.h"
#include "UObject/Object.h"

#include "DeveloperSettings.generated.h"

UCLASS(Abstract)
class DEVELOPERSETTINGS_API UDeveloperSettings : public UObject
{
	GENERATED_BODY()

public:
	UDeveloperSettings(const FObjectInitializer& ObjectInitializer = FObjectInitializer::Get());
	virtual FName GetContainerName() const;
	virtual FName GetCategoryName() const;
	virtual FName GetSectionName() const;

protected:
	FName CategoryName;
	FName SectionName;
};
