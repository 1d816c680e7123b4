// Stand-in for Unity 2021.3's built-in CGIncludes/UnityShaderVariables.cginc, which Unity includes in
// every CGPROGRAM (read in chsxf/unity-built-in-shaders, branch 2021.3). Declares, with the real
// names, types and constant buffers, the per-camera, per-draw and per-frame values of single-view
// rendering; the stereo arrays, lighting, shadow, fog, lightmap and reflection-probe variables are
// left out (none of this package's shaders read them: a shader that does fails to compile here).
#ifndef UNITY_SHADER_VARIABLES_INCLUDED
#define UNITY_SHADER_VARIABLES_INCLUDED

#include "HLSLSupport.cginc"

#if defined(UNITY_SINGLE_PASS_STEREO) || defined(UNITY_STEREO_INSTANCING_ENABLED) || defined(UNITY_STEREO_MULTIVIEW_ENABLED)
#error "this stand-in does not model stereo rendering"
#endif

#define UNITY_MATRIX_P glstate_matrix_projection
#define UNITY_MATRIX_V unity_MatrixV
#define UNITY_MATRIX_I_V unity_MatrixInvV
#define UNITY_MATRIX_VP unity_MatrixVP
#define UNITY_MATRIX_M unity_ObjectToWorld

CBUFFER_START(UnityPerCamera)
    float4 _Time;
    float4 _SinTime;
    float4 _CosTime;
    float4 unity_DeltaTime;
    float3 _WorldSpaceCameraPos;
    float4 _ProjectionParams;   // x: 1 or -1 (flipped projection), y: near, z: far, w: 1/far
    float4 _ScreenParams;       // x: width, y: height, z: 1 + 1/width, w: 1 + 1/height
    float4 _ZBufferParams;
    float4 unity_OrthoParams;
CBUFFER_END

CBUFFER_START(UnityPerCameraRare)
    float4 unity_CameraWorldClipPlanes[6];
    float4x4 unity_CameraProjection;
    float4x4 unity_CameraInvProjection;
    float4x4 unity_WorldToCamera;
    float4x4 unity_CameraToWorld;
CBUFFER_END

CBUFFER_START(UnityPerDraw)
    float4x4 unity_ObjectToWorld;
    float4x4 unity_WorldToObject;
    float4 unity_LODFade;
    float4 unity_WorldTransformParams;
    float4 unity_RenderingLayer;
CBUFFER_END

CBUFFER_START(UnityPerFrame)
    fixed4 glstate_lightmodel_ambient;
    fixed4 unity_AmbientSky;
    fixed4 unity_AmbientEquator;
    fixed4 unity_AmbientGround;
    fixed4 unity_IndirectSpecColor;
    float4x4 glstate_matrix_projection;
    float4x4 unity_MatrixV;
    float4x4 unity_MatrixInvV;
    float4x4 unity_MatrixVP;
    int unity_StereoEyeIndex;
    fixed4 unity_ShadowColor;
CBUFFER_END

static float4x4 unity_MatrixMVP = mul(unity_MatrixVP, unity_ObjectToWorld);
static float4x4 unity_MatrixMV = mul(unity_MatrixV, unity_ObjectToWorld);
static float4x4 unity_MatrixTMV = transpose(unity_MatrixMV);
static float4x4 unity_MatrixITMV = transpose(mul(unity_WorldToObject, unity_MatrixInvV));
#define UNITY_MATRIX_MVP    unity_MatrixMVP
#define UNITY_MATRIX_MV     unity_MatrixMV
#define UNITY_MATRIX_T_MV   unity_MatrixTMV
#define UNITY_MATRIX_IT_MV  unity_MatrixITMV

#endif // UNITY_SHADER_VARIABLES_INCLUDED
