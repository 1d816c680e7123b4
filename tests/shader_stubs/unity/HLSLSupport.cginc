// Stand-in for Unity 2021.3's built-in CGIncludes/HLSLSupport.cginc, which Unity includes in every
// CGPROGRAM. Read in the public copy of Unity's built-in shader sources (chsxf/unity-built-in-shaders,
// branch 2021.3). It keeps the real file's names and the values they take for the two APIs that
// tests/shader_check compiles for, SHADER_API_D3D11 and SHADER_API_VULKAN (desktop); the paths for
// other platforms, stereo rendering, surface-shader analysis and DX9-style samplers are left out.
#ifndef HLSL_SUPPORT_INCLUDED
#define HLSL_SUPPORT_INCLUDED

#if !defined(SHADER_API_D3D11) && !defined(SHADER_API_VULKAN)
#error "this stand-in models SHADER_API_D3D11 and SHADER_API_VULKAN only"
#endif

#if defined(SHADER_API_VULKAN)
    #define UNITY_COMPILER_HLSL
    #define UNITY_COMPILER_HLSLCC
#else
    #define UNITY_COMPILER_HLSL
#endif

#define UNITY_SUPPORT_DEPTH_FETCH 1
#define UNITY_ALLOWED_MRT_COUNT 8
#if SHADER_TARGET >= 30
    #define UNITY_FAST_COHERENT_DYNAMIC_BRANCHING 1
#endif

// Precision: on D3D11 fixed is half; on desktop Vulkan both fixed and half are float.
#if defined(SHADER_API_D3D11)
    #define UNITY_FIXED_IS_HALF 1
    #define fixed half
    #define fixed2 half2
    #define fixed3 half3
    #define fixed4 half4
    #define fixed4x4 half4x4
    #define fixed3x3 half3x3
    #define fixed2x2 half2x2
#else
    #define fixed float
    #define fixed2 float2
    #define fixed3 float3
    #define fixed4 float4
    #define fixed4x4 float4x4
    #define fixed3x3 float3x3
    #define fixed2x2 float2x2
    #define half float
    #define half2 float2
    #define half3 float3
    #define half4 float4
    #define half2x2 float2x2
    #define half3x3 float3x3
    #define half4x4 float4x4
#endif

// Constant buffers are real cbuffers on D3D11; on Vulkan (HLSLcc) Unity leaves the variables global.
#if defined(SHADER_API_D3D11)
    #define CBUFFER_START(name) cbuffer name {
    #define CBUFFER_END };
#else
    #define CBUFFER_START(name)
    #define CBUFFER_END
#endif

// Both APIs: texture v runs top to bottom and clip-space z is reversed, [1, 0].
#define UNITY_UV_STARTS_AT_TOP 1
#define UNITY_REVERSED_Z 1
#define UNITY_NEAR_CLIP_VALUE (1.0)

#define UNITY_POSITION(pos) float4 pos : SV_POSITION
#define UNITY_INITIALIZE_OUTPUT(type,name) name = (type)0;

#define UNITY_BRANCH    [branch]
#define UNITY_FLATTEN   [flatten]
#define UNITY_UNROLL    [unroll]
#define UNITY_LOOP      [loop]
#define UNITY_FASTOPT   [fastopt]

#define UNITY_DECLARE_TEX2D(tex) Texture2D tex; SamplerState sampler##tex
#define UNITY_DECLARE_TEX2D_NOSAMPLER(tex) Texture2D tex
#define UNITY_SAMPLE_TEX2D(tex,coord) tex.Sample (sampler##tex,coord)

#endif // HLSL_SUPPORT_INCLUDED
