namespace WorldStream.Core
{
    /// <summary>
    /// A decoded tile payload as flat arrays, already in the engine frame the session declared
    /// (the server converts; the client applies nothing). N = SplatCount, K = (ShDegree + 1)^2.
    /// </summary>
    public sealed class DecodedTile
    {
        public DecodedTile(
            int shDegree,
            int engineFrame,
            double originX,
            double originY,
            double originZ,
            int splatCount)
        {
            ShDegree = shDegree;
            EngineFrame = engineFrame;
            OriginX = originX;
            OriginY = originY;
            OriginZ = originZ;
            SplatCount = splatCount;
            int k = ShCoefficients;
            Positions = new float[3 * splatCount];
            Rotations = new float[4 * splatCount];
            LogScales = new float[3 * splatCount];
            OpacityLogits = new float[splatCount];
            Sh = new float[3 * k * splatCount];
        }

        /// <summary>0..3.</summary>
        public int ShDegree { get; }

        /// <summary>The proto EngineFrame number written in the payload: 1 glTF, 2 Unity, 3 Unreal.</summary>
        public int EngineFrame { get; }

        /// <summary>Tile origin in the engine frame and units; positions are relative to it.</summary>
        public double OriginX { get; }
        public double OriginY { get; }
        public double OriginZ { get; }

        public int SplatCount { get; }

        /// <summary>SH coefficients per colour channel: (ShDegree + 1)^2, DC first.</summary>
        public int ShCoefficients => (ShDegree + 1) * (ShDegree + 1);

        /// <summary>[N * 3] positions relative to the origin.</summary>
        public float[] Positions { get; }

        /// <summary>[N * 4] unit quaternions in the order w, x, y, z.</summary>
        public float[] Rotations { get; }

        /// <summary>[N * 3] natural logs of the per-axis scales.</summary>
        public float[] LogScales { get; }

        /// <summary>[N] opacity before the sigmoid: opacity = 1 / (1 + exp(-v)).</summary>
        public float[] OpacityLogits { get; }

        /// <summary>[N * K * 3] SH coefficients: splat-major, then coefficient (DC first), then R, G, B.</summary>
        public float[] Sh { get; }
    }
}
