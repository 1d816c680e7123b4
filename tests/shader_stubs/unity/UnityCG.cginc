// Stand-in for Unity 2021.3's built-in CGIncludes/UnityCG.cginc (read in
// chsxf/unity-built-in-shaders, branch 2021.3): its includes, as the real file makes them, and the
// constants it defines. Helper functions are added here with their real signatures when a shader of
// this package starts using one; a shader calling one that is missing fails to compile here.
#ifndef UNITY_CG_INCLUDED
#define UNITY_CG_INCLUDED

#define UNITY_PI            3.14159265359f
#define UNITY_TWO_PI        6.28318530718f
#define UNITY_FOUR_PI       12.56637061436f
#define UNITY_INV_PI        0.31830988618f
#define UNITY_INV_TWO_PI    0.15915494309f
#define UNITY_INV_FOUR_PI   0.07957747155f
#define UNITY_HALF_PI       1.57079632679f
#define UNITY_INV_HALF_PI   0.636619772367f

#include "UnityShaderVariables.cginc"
#include "UnityShaderUtilities.cginc"
#include "UnityInstancing.cginc"

#endif // UNITY_CG_INCLUDED
