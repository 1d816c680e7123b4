// Stand-in for Runtime/RenderCore/Public/ShaderParameterUtils.h (its legacy binding helpers are
// unused by the plugin; it includes the shader headers).
#pragma once

#include "Shader.h"
