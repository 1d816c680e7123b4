// Stand-in for Runtime/RHI/Public/RHICommandList.h: the command list classes and the members
// the plugin calls (signatures as in UE 5.3/5.4: SetViewport(float MinX, float MinY, float MinZ,
// float MaxX, float MaxY, float MaxZ), SetStreamSource(uint32, FRHIBuffer*, uint32),
// DrawPrimitiveIndirect(FRHIBuffer*, uint32), DrawPrimitive(uint32 BaseVertexIndex, uint32
// NumPrimitives, uint32 NumInstances), ApplyCachedRenderTargets(PSO initializer&)).
#pragma once

#include "RHI.h"

class FRHICommandListBase {};

class FRHIComputeCommandList : public FRHICommandListBase
{
public:
	void DispatchComputeShader(uint32 ThreadGroupCountX, uint32 ThreadGroupCountY, uint32 ThreadGroupCountZ);
};

class FRHICommandList : public FRHIComputeCommandList
{
public:
	void ApplyCachedRenderTargets(FGraphicsPipelineStateInitializer& GraphicsPSOInit);
	void SetViewport(float MinX, float MinY, float MinZ, float MaxX, float MaxY, float MaxZ);
	void SetStreamSource(uint32 StreamIndex, FRHIBuffer* VertexBuffer, uint32 Offset);
	void DrawPrimitiveIndirect(FRHIBuffer* ArgumentBuffer, uint32 ArgumentOffset);
	void DrawPrimitive(uint32 BaseVertexIndex, uint32 NumPrimitives, uint32 NumInstances);
};

class FRHICommandListImmediate : public FRHICommandList {};
