// Stand-in for Runtime/RHI/Public/RHIResources.h: the RHI resource and state types the plugin
// passes around (opaque here), FGraphicsPipelineStateInitializer's members it sets, and
// FClearValueBinding's Transparent preset (read in UE 5.5.1's RHIResources.h).
#pragma once

#include "RHIDefinitions.h"

class FRHIResource {};

/** The render-target clear value a texture is created with (RHIResources.h: struct
 * FClearValueBinding and its static presets, of which the plugin names Transparent). */
struct FClearValueBinding
{
	static const FClearValueBinding Transparent;
};
class FRHIBuffer : public FRHIResource {};
class FRHITexture : public FRHIResource {};
class FRHIShaderResourceView : public FRHIResource {};
class FRHIUnorderedAccessView : public FRHIResource {};
class FRHIUniformBuffer : public FRHIResource {};
class FRHIBlendState : public FRHIResource {};
class FRHIRasterizerState : public FRHIResource {};
class FRHIDepthStencilState : public FRHIResource {};
class FRHIVertexDeclaration : public FRHIResource {};
class FRHIShader : public FRHIResource {};
class FRHIVertexShader : public FRHIShader {};
class FRHIPixelShader : public FRHIShader {};
class FRHIComputeShader : public FRHIShader {};

/** Templates/RefCounting.h's TRefCountPtr: the members used. */
template <typename ReferencedType>
class TRefCountPtr
{
public:
	TRefCountPtr() = default;
	TRefCountPtr(ReferencedType* InReference) : Reference(InReference) {}
	ReferencedType* operator->() const { return Reference; }
	ReferencedType* GetReference() const { return Reference; }
	operator ReferencedType*() const { return Reference; }
	bool IsValid() const { return Reference != nullptr; }
	void SafeRelease() { Reference = nullptr; }

private:
	ReferencedType* Reference = nullptr;
};

using FVertexDeclarationRHIRef = TRefCountPtr<FRHIVertexDeclaration>;

struct FBoundShaderStateInput
{
	FRHIVertexDeclaration* VertexDeclarationRHI = nullptr;
	FRHIVertexShader* VertexShaderRHI = nullptr;
	FRHIPixelShader* PixelShaderRHI = nullptr;
};

class FGraphicsPipelineStateInitializer
{
public:
	FBoundShaderStateInput BoundShaderState;
	FRHIBlendState* BlendState = nullptr;
	FRHIRasterizerState* RasterizerState = nullptr;
	FRHIDepthStencilState* DepthStencilState = nullptr;
	EPrimitiveType PrimitiveType = PT_TriangleList;
};
