// Stand-in for Runtime/RHI/Public/RHIDefinitions.h (and RHIFeatureLevel.h, PixelFormat.h,
// RHIAccess.h): the enumerators the plugin names. Values are not the engine's; only the names
// and the enum kinds (unscoped E*, ERHIFeatureLevel::Type, enum class ERHIAccess) are.
#pragma once

#include "CoreMinimal.h"

namespace ERHIFeatureLevel
{
	enum Type : int
	{
		ES3_1,
		SM5,
		SM6,
		Num
	};
}

enum EShaderPlatform : uint16 { SP_PCD3D_SM5, SP_VULKAN_SM5, SP_NumPlatforms };

enum EPixelFormat : uint8 { PF_Unknown, PF_R32_UINT, PF_G16R16, PF_A16B16G16R16, PF_FloatRGBA };

enum class ERHIAccess : uint32
{
	Unknown = 0,
	IndirectArgs = 1 << 2,
	SRVCompute = 1 << 4,
	UAVCompute = 1 << 7,
};
ENUM_CLASS_FLAGS(ERHIAccess)

enum EPrimitiveType { PT_TriangleList, PT_TriangleStrip, PT_LineList, PT_PointList };
enum ECompareFunction { CF_Less, CF_LessEqual, CF_Greater, CF_GreaterEqual, CF_Equal, CF_NotEqual, CF_Never, CF_Always,
	CF_DepthNearOrEqual = CF_GreaterEqual, CF_DepthNear = CF_Greater, CF_DepthFartherOrEqual = CF_LessEqual, CF_DepthFarther = CF_Less };
enum EStencilOp { SO_Keep, SO_Zero, SO_Replace };
enum EBlendOperation { BO_Add, BO_Subtract, BO_Min, BO_Max, BO_ReverseSubtract };
enum EBlendFactor { BF_Zero, BF_One, BF_SourceColor, BF_InverseSourceColor, BF_SourceAlpha, BF_InverseSourceAlpha, BF_DestAlpha, BF_InverseDestAlpha };
enum EColorWriteMask { CW_RED = 0x01, CW_GREEN = 0x02, CW_BLUE = 0x04, CW_ALPHA = 0x08, CW_NONE = 0, CW_RGB = 0x07, CW_RGBA = 0x0F };
enum ERasterizerFillMode { FM_Point, FM_Wireframe, FM_Solid };
enum ERasterizerCullMode { CM_None, CM_CW, CM_CCW };

enum class ERenderTargetLoadAction : uint8 { ENoAction, ELoad, EClear };

enum class ETextureCreateFlags : uint64
{
	None = 0,
	RenderTargetable = 1ull << 0,
	DepthStencilTargetable = 1ull << 2,
	ShaderResource = 1ull << 3,
	UAV = 1ull << 6,
};
ENUM_CLASS_FLAGS(ETextureCreateFlags)
#define TexCreate_None ETextureCreateFlags::None
#define TexCreate_RenderTargetable ETextureCreateFlags::RenderTargetable
#define TexCreate_UAV ETextureCreateFlags::UAV
#define TexCreate_ShaderResource ETextureCreateFlags::ShaderResource

/** RHIDefinitions.h's FExclusiveDepthStencil: the access values the plugin binds. */
struct FExclusiveDepthStencil
{
	enum Type
	{
		DepthNop_StencilNop = 0,
		DepthRead_StencilNop = 1,
		DepthWrite_StencilNop = 2,
	};
	FExclusiveDepthStencil(Type InValue = DepthNop_StencilNop) : Value(InValue) {}

private:
	Type Value;
};

/** The indirect draw record the plugin's DrawArgs buffer holds (RHIResources.h). */
struct FRHIDrawIndirectParameters
{
	uint32 VertexCountPerInstance;
	uint32 InstanceCount;
	uint32 StartVertexLocation;
	uint32 StartInstanceLocation;
};
