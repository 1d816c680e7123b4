// Stand-in for Unity 2021.3's built-in CGIncludes/UnityShaderUtilities.cginc (read in
// chsxf/unity-built-in-shaders, branch 2021.3): UnityObjectToClipPos, both overloads, without the
// omni-directional stereo path (STEREO_CUBEMAP_RENDER_ON, which this package never enables).
#ifndef UNITY_SHADER_UTILITIES_INCLUDED
#define UNITY_SHADER_UTILITIES_INCLUDED

#include "UnityShaderVariables.cginc"

inline float4 UnityObjectToClipPos(in float3 pos)
{
    return mul(UNITY_MATRIX_VP, mul(unity_ObjectToWorld, float4(pos, 1.0)));
}

inline float4 UnityObjectToClipPos(float4 pos)
{
    return UnityObjectToClipPos(pos.xyz);
}

#endif // UNITY_SHADER_UTILITIES_INCLUDED
