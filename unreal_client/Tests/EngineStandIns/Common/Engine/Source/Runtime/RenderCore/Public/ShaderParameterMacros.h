// Stand-in for Runtime/RenderCore/Public/ShaderParameterMacros.h: the parameter-struct macros
// the plugin uses, expanding to members of the types the engine's macros declare
// (SHADER_PARAMETER: the C++ type; SHADER_PARAMETER_RDG_BUFFER_SRV/UAV: FRDGBufferSRV*/UAV*;
// SHADER_PARAMETER_RDG_TEXTURE: FRDGTexture*; SHADER_PARAMETER_STRUCT_INCLUDE: the struct; RDG_BUFFER_ACCESS: TRDGBufferAccess<Access>;
// RENDER_TARGET_BINDING_SLOTS: FRenderTargetBindingSlots RenderTargets), each struct with the
// FTypeInfo::GetStructMetadata the engine's BEGIN_SHADER_PARAMETER_STRUCT gives it. The render
// target binding types are those of the same header.
#pragma once

#include "RenderGraphResources.h"

class FShaderParametersMetadata;

#define BEGIN_SHADER_PARAMETER_STRUCT(StructTypeName, PrefixKeywords) \
	class PrefixKeywords StructTypeName \
	{ \
	public: \
		struct FTypeInfo \
		{ \
			static const FShaderParametersMetadata* GetStructMetadata(); \
		};
#define END_SHADER_PARAMETER_STRUCT() \
	};
#define SHADER_PARAMETER(MemberType, MemberName) MemberType MemberName;
#define SHADER_PARAMETER_RDG_BUFFER_SRV(ShaderType, MemberName) FRDGBufferSRVRef MemberName = nullptr;
#define SHADER_PARAMETER_RDG_BUFFER_UAV(ShaderType, MemberName) FRDGBufferUAVRef MemberName = nullptr;
#define SHADER_PARAMETER_RDG_TEXTURE(ShaderType, MemberName) FRDGTextureRef MemberName = nullptr;
#define SHADER_PARAMETER_STRUCT_INCLUDE(StructType, MemberName) StructType MemberName;
#define RDG_BUFFER_ACCESS(MemberName, Access) TRDGBufferAccess<Access> MemberName;
#define RENDER_TARGET_BINDING_SLOTS() FRenderTargetBindingSlots RenderTargets;

class FRenderTargetBinding
{
public:
	FRenderTargetBinding() = default;
	FRenderTargetBinding(FRDGTextureRef InTexture, ERenderTargetLoadAction InLoadAction, uint8 InMipIndex = 0, int16 InArraySlice = -1)
		: Texture(InTexture), LoadAction(InLoadAction) {}

private:
	FRDGTextureRef Texture = nullptr;
	ERenderTargetLoadAction LoadAction = ERenderTargetLoadAction::ENoAction;
};

class FDepthStencilBinding
{
public:
	FDepthStencilBinding() = default;
	FDepthStencilBinding(FRDGTextureRef InTexture, ERenderTargetLoadAction InDepthLoadAction, ERenderTargetLoadAction InStencilLoadAction,
		FExclusiveDepthStencil InDepthStencilAccess)
		: Texture(InTexture) {}

private:
	FRDGTextureRef Texture = nullptr;
};

struct FRenderTargetBindingSlots
{
	FRenderTargetBinding Output[8];
	FDepthStencilBinding DepthStencil;
	FRenderTargetBinding& operator[](uint32 Index) { return Output[Index]; }
	const FRenderTargetBinding& operator[](uint32 Index) const { return Output[Index]; }
};
