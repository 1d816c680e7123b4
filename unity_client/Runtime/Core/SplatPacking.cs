using System;

namespace WorldStream.Core
{
    /// <summary>
    /// Decoded tile to GPU records, with the activation done once here rather than per splat per
    /// frame on the GPU: scales exponentiated, opacity through the sigmoid, the SH DC term made a
    /// colour, the quaternion normalised (a zero or non-finite one becomes the identity). The
    /// same arithmetic as the Unreal plugin's pack_gpu_splats (src/gpu_splat.cpp), so both
    /// clients draw a tile alike. Higher SH bands are not drawn. Pure: safe on any thread.
    /// </summary>
    public static class SplatPacking
    {
        /// <summary>Fills <paramref name="into"/>[start .. start + tile.SplatCount).</summary>
        public static void Pack(DecodedTile tile, uint slot, GpuSplat[] into, int start)
        {
            if (tile == null) throw new ArgumentNullException(nameof(tile));
            if (into == null) throw new ArgumentNullException(nameof(into));
            int n = tile.SplatCount;
            if (start < 0 || start > into.Length - n) throw new ArgumentOutOfRangeException(nameof(start));
            int shStride = 3 * tile.ShCoefficients;
            float[] p = tile.Positions, q = tile.Rotations, s = tile.LogScales, sh = tile.Sh, o = tile.OpacityLogits;
            for (int i = 0; i < n; i++)
            {
                GpuSplat g;
                g.PositionX = p[3 * i];
                g.PositionY = p[3 * i + 1];
                g.PositionZ = p[3 * i + 2];
                g.Slot = slot;
                double w = q[4 * i], x = q[4 * i + 1], y = q[4 * i + 2], z = q[4 * i + 3];
                double norm = Math.Sqrt(w * w + x * x + y * y + z * z);
                if (norm > 0 && !double.IsInfinity(norm) && !double.IsNaN(norm))
                {
                    g.RotationW = (float)(w / norm);
                    g.RotationX = (float)(x / norm);
                    g.RotationY = (float)(y / norm);
                    g.RotationZ = (float)(z / norm);
                }
                else
                {
                    g.RotationW = 1;
                    g.RotationX = g.RotationY = g.RotationZ = 0;
                }
                g.ScaleX = (float)Math.Exp(s[3 * i]);
                g.ScaleY = (float)Math.Exp(s[3 * i + 1]);
                g.ScaleZ = (float)Math.Exp(s[3 * i + 2]);
                g.Opacity = SplatMath.Sigmoid(o[i]);
                int c = shStride * i;
                g.ColourR = SplatMath.DcToColour(sh[c]);
                g.ColourG = SplatMath.DcToColour(sh[c + 1]);
                g.ColourB = SplatMath.DcToColour(sh[c + 2]);
                g.Reserved = 0;
                into[start + i] = g;
            }
        }

        /// <summary>A new array of the tile's records.</summary>
        public static GpuSplat[] Pack(DecodedTile tile, uint slot)
        {
            if (tile == null) throw new ArgumentNullException(nameof(tile));
            var packed = new GpuSplat[tile.SplatCount];
            Pack(tile, slot, packed, 0);
            return packed;
        }
    }
}
