// The pooled splat renderer's draw (WorldStream.Rendering.PooledSplatRenderer): one instanced
// quad per drawn splat, in the order WorldStreamSplatSort.compute wrote for this camera (back to
// front across every tile), blended premultiplied "over", tested against the camera's depth and
// never written to it. The ellipse is the 3DGS one (EWA splatting with a 0.3-pixel dilation),
// evaluated in pixels. The first pass has no LightMode tag, so the built-in pipeline draws it
// through a command buffer, URP and HDRP as SRPDefaultUnlit in their transparent passes.
//
// 3DGS blends display (sRGB) values. In a gamma-space project the splats are blended straight
// into the camera's colour. In a linear-space project the built-in pipeline's command buffer
// blends them, still in display values, into a half-float target cleared to nothing, and the
// second pass composites that target over the camera's colour: where the splats cover a pixel
// fully, or over black, the picture is the trained one exactly.
Shader "WorldStream/Splats"
{
    SubShader
    {
        Tags { "Queue" = "Transparent" "RenderType" = "Transparent" "IgnoreProjector" = "True" }

        Pass
        {
            ZWrite Off
            ZTest LEqual
            Cull Off
            Blend One OneMinusSrcAlpha

            HLSLPROGRAM
            #pragma vertex SplatVertex
            #pragma fragment SplatFragment
            #pragma target 4.5
            #include "UnityCG.cginc"
            #include "WorldStreamSplats.hlsl"

            StructuredBuffer<WsSplat> _WsSplats;
            StructuredBuffer<WsTile> _WsTiles;
            StructuredBuffer<uint> _WsOrder;     // pool indices, back to front
            float4 _WsCameraPosition;
            float4 _WsCameraRight;
            float4 _WsCameraUp;
            float4 _WsCameraForward;
            float4 _WsFocal;                     // focal lengths in pixels (x, y), viewport size in pixels (z, w)
            float _WsLinearColour;               // 1: blended in linear light (a linear project without the composite)
            float _WsMinAlpha;
            float _WsOffscreen;                  // 1: drawn into the composite's target, not the camera's
            // The camera's target, set as a global texture by the command buffer: Unity gives a
            // texture's _TexelSize (1, 1, 1, 1) when the target is the back buffer.
            float4 _WsCameraTarget_TexelSize;

            struct WsVaryings
            {
                float4 position : SV_POSITION;
                float2 offset : TEXCOORD0;                   // pixels from the splat's centre, y up
                nointerpolation float3 conic : TEXCOORD1;    // inverse 2D covariance (xx, xy, yy)
                nointerpolation float4 colour : TEXCOORD2;   // rgb, opacity times the tile's fade
            };

            static const float2 WsCorners[6] =
            {
                float2(-1, -1), float2(1, -1), float2(-1, 1),
                float2(-1, 1), float2(1, -1), float2(1, 1),
            };

            // Rotation matrix of the unit quaternion (w, x, y, z), acting on column vectors.
            float3x3 WsRotation(float4 q)
            {
                float w = q.x, x = q.y, y = q.z, z = q.w;
                return float3x3(
                    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y));
            }

            WsVaryings SplatVertex(uint vertexId : SV_VertexID, uint instanceId : SV_InstanceID)
            {
                WsVaryings o = (WsVaryings)0;
                WsSplat splat = _WsSplats[_WsOrder[instanceId]];
                WsTile tile = _WsTiles[splat.slot];
                float3 p = WsRelative(tile, splat, _WsCameraPosition.xyz);
                // Camera axes: x right, y up, z forward (depth > 0 in front).
                float3 view = float3(WsAxis(p, _WsCameraRight.xyz), WsAxis(p, _WsCameraUp.xyz), WsAxis(p, _WsCameraForward.xyz));
                float depth = max(view.z, 1e-4);

                // 3D covariance R S S^T R^T, turned into camera axes.
                float3x3 rs = mul(WsRotation(splat.rotation), float3x3(
                    splat.scaleOpacity.x, 0, 0,
                    0, splat.scaleOpacity.y, 0,
                    0, 0, splat.scaleOpacity.z));
                float3x3 toCamera = float3x3(_WsCameraRight.xyz, _WsCameraUp.xyz, _WsCameraForward.xyz);
                float3x3 m = mul(toCamera, rs);
                float3x3 sigma = mul(m, transpose(m));

                // The perspective projection's Jacobian at the centre, in pixels with y up.
                float2 focal = _WsFocal.xy;
                float3 j0 = float3(focal.x / depth, 0, -focal.x * view.x / (depth * depth));
                float3 j1 = float3(0, focal.y / depth, -focal.y * view.y / (depth * depth));
                float3 sj0 = mul(sigma, j0);
                float3 sj1 = mul(sigma, j1);
                float a = dot(j0, sj0) + 0.3;
                float b = dot(j0, sj1);
                float c = dot(j1, sj1) + 0.3;
                float det = max(a * c - b * b, 1e-12);
                o.conic = float3(c / det, -b / det, a / det);
                float mid = 0.5 * (a + c);
                float largest = mid + sqrt(max(0.1, mid * mid - det));
                float radius = min(ceil(3.0 * sqrt(largest)), 2.0 * max(_WsFocal.z, _WsFocal.w));

                // The quad's corner in pixels, taken back to a view-space point at the splat's
                // depth and projected with the camera's own GPU projection, which holds the
                // platform's clip conventions (reversed Z, a flipped y into render textures).
                float2 corner = WsCorners[vertexId] * radius;
                o.offset = corner;
                float3 cornerView = float3(view.x + corner.x * depth / focal.x, view.y + corner.y * depth / focal.y, -view.z);
                o.position = mul(UNITY_MATRIX_P, float4(cornerView, 1.0));
                // Into the composite's target Unity flips the projection upside down, as into
                // any render texture; a camera drawing into the back buffer has a depth buffer
                // the right way up, though, and the composite reads the target by pixel
                // position. Flipped back, the splats meet the depth buffer and the composite
                // where they should.
                if (_WsOffscreen > 0.5 && _ProjectionParams.x < 0.0 && _WsCameraTarget_TexelSize.z == 1.0)
                {
                    o.position.y = -o.position.y;
                }

                float3 colour = splat.colour.rgb;
                if (_WsLinearColour > 0.5)
                {
                    colour = float3(WsDisplayToLinear(colour.r), WsDisplayToLinear(colour.g), WsDisplayToLinear(colour.b));
                }
                o.colour = float4(colour, splat.scaleOpacity.w * tile.alpha);
                return o;
            }

            float4 SplatFragment(WsVaryings i) : SV_Target
            {
                float2 d = i.offset;
                float power = -0.5 * (i.conic.x * d.x * d.x + i.conic.z * d.y * d.y) - i.conic.y * d.x * d.y;
                if (power > 0.0)
                {
                    discard;
                }
                float alpha = min(0.99, i.colour.a * exp(power));
                if (alpha < _WsMinAlpha)
                {
                    discard;
                }
                // Premultiplied: blended One, OneMinusSrcAlpha, back to front.
                return float4(i.colour.rgb * alpha, alpha);
            }
            ENDHLSL
        }

        // The composite of a linear-space project: the splats, blended in display values into
        // _WsSplatTarget (premultiplied, over nothing), over the camera's linear colour. The
        // premultiplied display colour is decoded to linear light as it stands: over black that
        // is the display-blended picture exactly, and where the splats cover a pixel fully (or
        // not at all) it is exact over anything. Where they cover it partly, the background
        // mixes in linear light, not in display values as in 3DGS. A LightMode no pipeline
        // renders keeps URP and HDRP from drawing this pass along with the first.
        Pass
        {
            Tags { "LightMode" = "WorldStreamComposite" }
            ZWrite Off
            ZTest Always
            Cull Off
            Blend One OneMinusSrcAlpha

            HLSLPROGRAM
            #pragma vertex CompositeVertex
            #pragma fragment CompositeFragment
            #pragma target 4.5
            #include "UnityCG.cginc"
            #include "WorldStreamSplats.hlsl"

            // GetTemporaryRT makes the target a global texture of this name.
            Texture2D _WsSplatTarget;

            // One triangle over the whole viewport (vertices 0, 1, 2 of a three-vertex draw).
            float4 CompositeVertex(uint vertexId : SV_VertexID) : SV_POSITION
            {
                float2 corner = float2((vertexId << 1) & 2, vertexId & 2);
                return float4(corner * 2.0 - 1.0, 0.5, 1.0);
            }

            float4 CompositeFragment(float4 position : SV_POSITION) : SV_Target
            {
                float4 splats = _WsSplatTarget.Load(int3(position.xy, 0));
                float3 c = max(splats.rgb, 0.0);
                return float4(WsDisplayToLinear(c.r), WsDisplayToLinear(c.g), WsDisplayToLinear(c.b), splats.a);
            }
            ENDHLSL
        }
    }
}
