// Stand-in for Unity 2021.3's built-in CGIncludes/UnityInstancing.cginc (read in
// chsxf/unity-built-in-shaders, branch 2021.3), which UnityCG.cginc includes. Only the
// non-instanced, single-view expansions: every macro below is empty there. A variant that turns
// instancing on is refused rather than compiled against the wrong expansion.
#ifndef UNITY_INSTANCING_INCLUDED
#define UNITY_INSTANCING_INCLUDED

#if defined(INSTANCING_ON) || defined(PROCEDURAL_INSTANCING_ON) || defined(STEREO_INSTANCING_ON)
#error "this stand-in does not model GPU instancing"
#endif

#define UNITY_VERTEX_INPUT_INSTANCE_ID
#define UNITY_VERTEX_OUTPUT_STEREO
#define UNITY_SETUP_INSTANCE_ID(input)
#define UNITY_TRANSFER_INSTANCE_ID(input, output)
#define UNITY_INITIALIZE_VERTEX_OUTPUT_STEREO(output)
#define UNITY_SETUP_STEREO_EYE_INDEX_POST_VERTEX(input)

#endif // UNITY_INSTANCING_INCLUDED
