#if WORLDSTREAM_GSPLAT
using System.Collections.Generic;
using Gsplat;
using UnityEngine;
using WorldStream.Core;
using WorldStream.Unity;

namespace WorldStream.Rendering
{
    /// <summary>
    /// An optional backend, not the default (that is <see cref="PooledSplatRenderer"/>): draws
    /// tiles with wuyize25/gsplat-unity (package wu.yize.gsplat, 1.2.1 or later), one
    /// GsplatRenderer per tile on a child at the tile's origin, fed a GsplatAssetUncompressed
    /// built at run time from the decoded arrays. Every released gsplat (1.2.1, 1.3.0) sorts
    /// each renderer's splats alone, once per renderer per camera, and draws the renderers one
    /// after another; the global sort on its main branch is unreleased, opt-in, supports only
    /// Spark-compressed assets and falls back to per-renderer sorting as soon as any renderer
    /// holds an uncompressed asset, which is what this class creates. So where tiles overlap,
    /// and while a new level fades in over the old one, splats of different tiles blend out of
    /// order: seams and popping. Fill also runs on the main thread, and with
    /// GsplatRenderer.AsyncUpload left off gsplat uploads each asset whole in one frame. The
    /// fade-in drives SplatDownscaleFactor, so a new tile grows in from points rather than
    /// blending. Compiled only when gsplat is installed (the WORLDSTREAM_GSPLAT versionDefine).
    /// </summary>
    public sealed class GsplatTileRenderer : MonoBehaviour, ISplatRenderer
    {
        sealed class Entry
        {
            public GameObject Object;
            public GsplatRenderer Renderer;
            public GsplatAssetUncompressed Asset;
        }

        readonly Dictionary<int, Entry> tiles = new Dictionary<int, Entry>();

        public void AddTile(int id, DecodedTile tile, float alpha)
        {
            var asset = ScriptableObject.CreateInstance<GsplatAssetUncompressed>();
            asset.name = "tile " + id;
            asset.SplatCount = (uint)tile.SplatCount;
            asset.SHBands = (byte)tile.ShDegree;
            asset.Allocate();
            Fill(asset, tile);
            var go = new GameObject("tile " + id);
            go.transform.SetParent(transform, false);
            go.transform.localPosition = UnityPoses.Origin(tile);
            var splats = go.AddComponent<GsplatRenderer>();
            splats.SHDegree = tile.ShDegree;
            splats.GsplatAsset = asset;
            tiles[id] = new Entry { Object = go, Renderer = splats, Asset = asset };
            SetTileAlpha(id, alpha);
        }

        public void SetTileAlpha(int id, float alpha)
        {
            Entry entry;
            if (tiles.TryGetValue(id, out entry)) entry.Renderer.SplatDownscaleFactor = 1f - Mathf.Clamp01(alpha);
        }

        public void RemoveTile(int id)
        {
            Entry entry;
            if (!tiles.TryGetValue(id, out entry)) return;
            tiles.Remove(id);
            Destroy(entry.Object);
            Destroy(entry.Asset);
        }

        void OnDestroy()
        {
            foreach (var id in new List<int>(tiles.Keys)) RemoveTile(id);
        }

        /// <summary>
        /// gsplat's uncompressed layout (its PLY importer is the reference): Colors hold the raw
        /// SH DC terms with the opacity after the sigmoid, Scales are linear, Rotations are
        /// (w, x, y, z), and SHs are the higher coefficients, coefficient-major, RGB per entry.
        /// </summary>
        static void Fill(GsplatAssetUncompressed asset, DecodedTile tile)
        {
            int n = tile.SplatCount, k = tile.ShCoefficients, rest = k - 1;
            var p = tile.Positions;
            var bounds = new Bounds();
            for (int i = 0; i < n; i++)
            {
                var position = new Vector3(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
                asset.Positions[i] = position;
                if (i == 0) bounds = new Bounds(position, Vector3.zero);
                else bounds.Encapsulate(position);
                int sh = 3 * k * i;
                asset.Colors[i] = new Vector4(tile.Sh[sh], tile.Sh[sh + 1], tile.Sh[sh + 2], SplatMath.Sigmoid(tile.OpacityLogits[i]));
                asset.Scales[i] = new Vector3(
                    Mathf.Exp(tile.LogScales[3 * i]), Mathf.Exp(tile.LogScales[3 * i + 1]), Mathf.Exp(tile.LogScales[3 * i + 2]));
                asset.Rotations[i] = new Vector4(
                    tile.Rotations[4 * i], tile.Rotations[4 * i + 1], tile.Rotations[4 * i + 2], tile.Rotations[4 * i + 3]);
                for (int j = 0; j < rest; j++)
                {
                    int c = sh + 3 * (j + 1);
                    asset.SHs[i * rest + j] = new Vector3(tile.Sh[c], tile.Sh[c + 1], tile.Sh[c + 2]);
                }
            }
            asset.Bounds = bounds;
        }
    }
}
#endif
