// Stand-in for Runtime/Engine/Public/SceneTexturesConfig.h (read in UE 5.3.2,
// JShCfor/UE532): the FSceneTextureUniformParameters members named by the plugin's history
// (scene colour, depth, velocity), declared through the parameter-struct macros as the engine
// declares them.
#pragma once

#include "RenderGraphDefinitions.h"
#include "ShaderParameterMacros.h"

#define BEGIN_GLOBAL_SHADER_PARAMETER_STRUCT(StructTypeName, PrefixKeywords) BEGIN_SHADER_PARAMETER_STRUCT(StructTypeName, PrefixKeywords)
#define END_GLOBAL_SHADER_PARAMETER_STRUCT() END_SHADER_PARAMETER_STRUCT()

BEGIN_GLOBAL_SHADER_PARAMETER_STRUCT(FSceneTextureUniformParameters, ENGINE_API)
	SHADER_PARAMETER_RDG_TEXTURE(Texture2D, SceneColorTexture)
	SHADER_PARAMETER_RDG_TEXTURE(Texture2D, SceneDepthTexture)
	SHADER_PARAMETER_RDG_TEXTURE(Texture2D, GBufferVelocityTexture)
END_GLOBAL_SHADER_PARAMETER_STRUCT()
