// Stand-in for Runtime/RenderCore/Public/RenderResource.h: FRenderResource (EInitPhase) and
// TGlobalResource<ResourceType, InInitPhase>.
#pragma once

#include "RHI.h"

class FRenderResource
{
public:
	enum class EInitPhase : uint8
	{
		Pre,
		Default,
		MAX
	};
	virtual ~FRenderResource() {}
};

template <class ResourceType, FRenderResource::EInitPhase InInitPhase = FRenderResource::EInitPhase::Default>
class TGlobalResource : public ResourceType
{
};
