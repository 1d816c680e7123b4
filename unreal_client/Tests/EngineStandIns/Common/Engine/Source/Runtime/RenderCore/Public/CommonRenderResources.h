// Stand-in for Runtime/RenderCore/Public/CommonRenderResources.h (UE 5.3 and later, where the
// global takes EInitPhase::Pre): FEmptyVertexDeclaration and GEmptyVertexDeclaration. Nothing
// else in these stand-ins includes it, as nothing among the engine headers the plugin includes
// does: a file that names GEmptyVertexDeclaration must include this.
#pragma once

#include "RenderResource.h"

class FEmptyVertexDeclaration : public FRenderResource
{
public:
	FVertexDeclarationRHIRef VertexDeclarationRHI;
};

extern RENDERCORE_API TGlobalResource<FEmptyVertexDeclaration, FRenderResource::EInitPhase::Pre> GEmptyVertexDeclaration;
