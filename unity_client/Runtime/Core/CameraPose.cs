using System;

namespace WorldStream.Core
{
    /// <summary>
    /// A camera view in the engine's frame and units, as ViewUpdate carries it: position, rotation
    /// (x, y, z, w: Unity's storage order), vertical field of view and viewport.
    /// </summary>
    public struct CameraPose
    {
        public double PositionX, PositionY, PositionZ;
        public double RotationX, RotationY, RotationZ, RotationW;
        public double VerticalFovDegrees;
        public int ViewportWidth, ViewportHeight;
        /// <summary>Engine units per second, for the server's prefetch; zero when unknown.</summary>
        public double VelocityX, VelocityY, VelocityZ;

        /// <summary>Why the server would refuse this view (INVALID_VIEW), or null when it is fine.</summary>
        public string Problem()
        {
            double[] all =
            {
                PositionX, PositionY, PositionZ, RotationX, RotationY, RotationZ, RotationW,
                VerticalFovDegrees, VelocityX, VelocityY, VelocityZ,
            };
            foreach (double v in all)
            {
                if (double.IsNaN(v) || double.IsInfinity(v)) return "the pose has a non-finite value";
            }
            double norm = Math.Sqrt(
                RotationX * RotationX + RotationY * RotationY + RotationZ * RotationZ + RotationW * RotationW);
            // The server's tolerance (docs/engine-frames.md § Quaternions).
            if (Math.Abs(norm - 1.0) > 0.01) return "the rotation is not a unit quaternion (norm " + norm + ")";
            if (VerticalFovDegrees <= 0 || VerticalFovDegrees >= 180)
            {
                return "the vertical field of view " + VerticalFovDegrees + " is outside (0, 180) degrees";
            }
            if (ViewportWidth <= 0 || ViewportHeight <= 0) return "the viewport is empty";
            return null;
        }

        /// <summary>Distance between the two positions, engine units.</summary>
        public static double Distance(CameraPose a, CameraPose b)
        {
            double dx = a.PositionX - b.PositionX, dy = a.PositionY - b.PositionY, dz = a.PositionZ - b.PositionZ;
            return Math.Sqrt(dx * dx + dy * dy + dz * dz);
        }

        /// <summary>The angle of the rotation taking one orientation to the other, degrees.</summary>
        public static double AngleDegrees(CameraPose a, CameraPose b)
        {
            double dot = a.RotationX * b.RotationX + a.RotationY * b.RotationY + a.RotationZ * b.RotationZ
                + a.RotationW * b.RotationW;
            double na = Math.Sqrt(a.RotationX * a.RotationX + a.RotationY * a.RotationY
                + a.RotationZ * a.RotationZ + a.RotationW * a.RotationW);
            double nb = Math.Sqrt(b.RotationX * b.RotationX + b.RotationY * b.RotationY
                + b.RotationZ * b.RotationZ + b.RotationW * b.RotationW);
            // q and -q are one rotation, hence the absolute value.
            double c = Math.Min(1.0, Math.Abs(dot) / (na * nb));
            return 2.0 * Math.Acos(c) * 180.0 / Math.PI;
        }

        /// <summary>True when every field that the server sees is the same (velocity aside).</summary>
        public bool SameView(CameraPose other) =>
            PositionX == other.PositionX && PositionY == other.PositionY && PositionZ == other.PositionZ
            && RotationX == other.RotationX && RotationY == other.RotationY && RotationZ == other.RotationZ
            && RotationW == other.RotationW && VerticalFovDegrees == other.VerticalFovDegrees
            && ViewportWidth == other.ViewportWidth && ViewportHeight == other.ViewportHeight;
    }
}
