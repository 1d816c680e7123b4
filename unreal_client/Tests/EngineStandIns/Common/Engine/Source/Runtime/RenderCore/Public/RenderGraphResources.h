// Stand-in for Runtime/RenderCore/Public/RenderGraphResources.h and RenderGraphParameter.h
// (UE 5.3/5.4): FRDGTextureDesc's Flags/Extent/NumSamples, FRDGBufferDesc's factories,
// FRDGPooledBuffer, the SRV/UAV descriptors that a bare FRDGBufferRef converts to,
// GetIndirectRHICallBuffer, TRDGUniformBuffer (GetParameters returns the TRDGParameterStruct
// wrapper; GetContents and operator-> return the struct pointer), TRDGBufferAccess.
#pragma once

#include "RenderGraphDefinitions.h"

class FShaderParametersMetadata;

struct FRDGTextureDesc
{
	ETextureCreateFlags Flags = TexCreate_None;
	FIntPoint Extent;
	uint8 NumSamples = 1;
	EPixelFormat Format = PF_Unknown;

	/** RenderGraphDefinitions.h (read in UE 5.5.1), FRDGTextureDesc::Create2D. */
	static FRDGTextureDesc Create2D(FIntPoint Size, EPixelFormat Format, FClearValueBinding ClearValue, ETextureCreateFlags Flags,
		uint8 NumMips = 1, uint8 NumSamples = 1, uint32 ExtData = 0);
};

class FRDGResource
{
public:
	const TCHAR* const Name = nullptr;
};

class FRDGTexture : public FRDGResource
{
public:
	const FRDGTextureDesc Desc;
};

struct FRDGBufferDesc
{
	uint32 BytesPerElement = 1;
	uint32 NumElements = 1;

	static FRDGBufferDesc CreateStructuredDesc(uint32 BytesPerElement, uint32 NumElements);
	static FRDGBufferDesc CreateBufferDesc(uint32 BytesPerElement, uint32 NumElements);
	template <typename IndirectParameterStruct>
	static FRDGBufferDesc CreateIndirectDesc(uint32 NumElements = 1);
};

class FRDGPooledBuffer
{
public:
	uint32 AddRef() const;
	uint32 Release();
};

class FRDGBuffer : public FRDGResource
{
public:
	const FRDGBufferDesc Desc;
	FRHIBuffer* GetRHI() const;
	FRHIBuffer* GetIndirectRHICallBuffer() const;
};

class FRDGBufferSRV : public FRDGResource
{
public:
	FRHIShaderResourceView* GetRHI() const;
};

class FRDGBufferUAV : public FRDGResource
{
public:
	FRHIUnorderedAccessView* GetRHI() const;
};

struct FRDGBufferSRVDesc
{
	FRDGBufferSRVDesc() = default;
	FRDGBufferSRVDesc(FRDGBufferRef InBuffer);
	FRDGBufferSRVDesc(FRDGBufferRef InBuffer, EPixelFormat InFormat);
};

struct FRDGBufferUAVDesc
{
	FRDGBufferUAVDesc() = default;
	FRDGBufferUAVDesc(FRDGBufferRef InBuffer);
	FRDGBufferUAVDesc(FRDGBufferRef InBuffer, EPixelFormat InFormat);
};

/** RenderGraphParameter.h: the struct wrapper TRDGUniformBuffer::GetParameters returns. */
template <typename ParameterStructType>
class TRDGParameterStruct
{
public:
	const ParameterStructType* GetContents() const;
};

class FRDGUniformBuffer : public FRDGResource
{
public:
	FRHIUniformBuffer* GetRHI() const;
};

template <typename ParameterStructType>
class TRDGUniformBuffer : public FRDGUniformBuffer
{
public:
	const TRDGParameterStruct<ParameterStructType>& GetParameters() const;
	const ParameterStructType* GetContents() const;
	const ParameterStructType* operator->() const;
};

/** RenderGraphParameter.h: what RDG_BUFFER_ACCESS declares; converts from an FRDGBufferRef. */
class FRDGBufferAccess
{
public:
	FRDGBufferAccess() = default;
	FRDGBufferAccess(FRDGBuffer* InBuffer, ERHIAccess InAccess) : Buffer(InBuffer), Access(InAccess) {}
	FRDGBuffer* operator->() const { return Buffer; }
	explicit operator bool() const { return Buffer != nullptr; }

private:
	FRDGBuffer* Buffer = nullptr;
	ERHIAccess Access = ERHIAccess::Unknown;
};

template <ERHIAccess InAccess>
class TRDGBufferAccess : public FRDGBufferAccess
{
public:
	TRDGBufferAccess() : FRDGBufferAccess(nullptr, InAccess) {}
	TRDGBufferAccess(FRDGBuffer* InBuffer) : FRDGBufferAccess(InBuffer, InAccess) {}
};
