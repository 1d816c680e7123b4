using System;

namespace WorldStream.Core
{
    /// <summary>The 3DGS conventions of the payload (docs/tile-format.md § Units and conventions).</summary>
    public static class SplatMath
    {
        /// <summary>The degree-0 SH basis constant: colour = 0.5 + C0 dc.</summary>
        public const double ShC0 = 0.28209479177387814;

        /// <summary>A channel's base colour from its SH DC coefficient, clamped at 0 as 3DGS does.</summary>
        public static float DcToColour(float dc) => (float)Math.Max(0.0, 0.5 + ShC0 * dc);

        /// <summary>Opacity from its logit.</summary>
        public static float Sigmoid(float logit) => (float)(1.0 / (1.0 + Math.Exp(-logit)));
    }
}
