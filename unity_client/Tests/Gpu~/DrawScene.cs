using System;
using System.Globalization;
using System.IO;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>
    /// Takes tile payloads the server wrote for a Unity session and a camera, and writes what
    /// PooledSplatRenderer would hand the splat shader for that camera: the pool and tile table
    /// as the renderer uploads them (decoded by TileDecoder, pooled by PooledTiles, packed by
    /// SplatPacking) and the back-to-front order of the sort (its CPU reference,
    /// GlobalSplatOrder, which the sort kernels equal bit for bit on lavapipe). The camera is
    /// turned into the sort's view exactly as PooledSplatRenderer.SortCameraOf does.
    /// tests/test_unity_splat_draw_gpu.py draws the result with WorldStreamSplats.shader.
    ///
    ///   mono DrawScene.exe OUT_DIR CAMERA_FILE ALPHA_OF_LAST_TILE PAYLOAD...
    ///
    /// CAMERA_FILE holds 15 numbers: transform.position, .right, .up, .forward, nearClipPlane,
    /// and projectionMatrix m00 and m11. Every payload is a QUANTIZED_V1 tile; the last one is
    /// added with the given fade alpha (the others with 1).
    /// </summary>
    public static class DrawScene
    {
        public static int Main(string[] args)
        {
            if (args.Length < 4)
            {
                Console.Error.WriteLine("usage: DrawScene.exe OUT_DIR CAMERA_FILE ALPHA_OF_LAST_TILE PAYLOAD...");
                return 2;
            }
            string directory = args[0];
            var numbers = File.ReadAllText(args[1]).Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
            if (numbers.Length != 15)
            {
                Console.Error.WriteLine("the camera file holds 15 numbers");
                return 2;
            }
            var v = new float[15];
            for (int i = 0; i < 15; i++) v[i] = float.Parse(numbers[i], CultureInfo.InvariantCulture);
            float lastAlpha = float.Parse(args[2], CultureInfo.InvariantCulture);

            var scene = new SplatScene(1 << 16);
            for (int i = 3; i < args.Length; i++)
            {
                var tile = TileDecoder.Decode(PayloadEncoding.QuantizedV1, File.ReadAllBytes(args[i]));
                scene.Add(i - 2, tile, i == args.Length - 1 ? lastAlpha : 1f);
            }
            scene.Upload(int.MaxValue);

            // PooledSplatRenderer.SortCameraOf, with the transform's and projection's values.
            var camera = new SortCamera
            {
                PositionX = v[0], PositionY = v[1], PositionZ = v[2],
                RightX = v[3], RightY = v[4], RightZ = v[5],
                UpX = v[6], UpY = v[7], UpZ = v[8],
                ForwardX = v[9], ForwardY = v[10], ForwardZ = v[11],
                Near = Math.Max(v[12], 1e-4f),
                CullX = SortCamera.FrustumMargin / Math.Abs(v[13]),
                CullY = SortCamera.FrustumMargin / Math.Abs(v[14]),
            };
            int[] order;
            uint[] keys;
            int drawn = scene.Order(camera, out order, out keys);
            SceneFiles.Write(directory, scene, order, drawn);
            return 0;
        }
    }
}
