using UnityEngine;
using WorldStream.Core;

namespace WorldStream.Unity
{
    /// <summary>
    /// A Unity camera as the server reads it. The session declared ENGINE_FRAME_UNITY, so the
    /// transform goes as it is: metres, left-handed, +Y up, rotation in Unity's (x, y, z, w)
    /// order, Camera.fieldOfView (vertical, degrees) and the pixel viewport.
    /// </summary>
    public static class UnityPoses
    {
        public static CameraPose FromCamera(Camera camera, Vector3 velocity)
        {
            var t = camera.transform;
            var p = t.position;
            var q = t.rotation;
            return new CameraPose
            {
                PositionX = p.x,
                PositionY = p.y,
                PositionZ = p.z,
                RotationX = q.x,
                RotationY = q.y,
                RotationZ = q.z,
                RotationW = q.w,
                VerticalFovDegrees = camera.fieldOfView,
                ViewportWidth = camera.pixelWidth,
                ViewportHeight = camera.pixelHeight,
                VelocityX = velocity.x,
                VelocityY = velocity.y,
                VelocityZ = velocity.z,
            };
        }

        /// <summary>The tile origin (double) as a Unity position: float, so keep worlds near the origin.</summary>
        public static Vector3 Origin(DecodedTile tile) =>
            new Vector3((float)tile.OriginX, (float)tile.OriginY, (float)tile.OriginZ);
    }
}
