using System.Collections.Generic;
using UnityEngine;
using UnityEngine.Rendering;
using WorldStream.Core;
using WorldStream.Unity;

namespace WorldStream.Rendering
{
    /// <summary>
    /// A dependency-free preview: each tile is a point mesh of its splat centres coloured by the
    /// SH DC term and opacity. No ellipsoids, no view-dependent colour and no sort: enough to
    /// see that a world streams. Install gsplat-unity for real splat rendering.
    /// </summary>
    public sealed class PointPreviewRenderer : MonoBehaviour, ISplatRenderer
    {
        [Tooltip("Uses the package's WorldStream/PointPreview shader when empty (add it to Always Included Shaders for builds).")]
        [SerializeField] Material material;

        // Must match the property name in Shaders/PointPreview.shader.
        static readonly int AlphaId = Shader.PropertyToID("_Alpha");

        readonly Dictionary<int, MeshRenderer> tiles = new Dictionary<int, MeshRenderer>();
        MaterialPropertyBlock block;

        public void AddTile(int id, DecodedTile tile, float alpha)
        {
            if (material == null) material = new Material(Shader.Find("WorldStream/PointPreview"));
            if (block == null) block = new MaterialPropertyBlock();
            var go = new GameObject("tile " + id);
            go.transform.SetParent(transform, false);
            go.transform.localPosition = UnityPoses.Origin(tile);
            go.AddComponent<MeshFilter>().sharedMesh = BuildMesh(tile);
            var meshRenderer = go.AddComponent<MeshRenderer>();
            meshRenderer.sharedMaterial = material;
            meshRenderer.shadowCastingMode = ShadowCastingMode.Off;
            tiles[id] = meshRenderer;
            SetTileAlpha(id, alpha);
        }

        public void SetTileAlpha(int id, float alpha)
        {
            MeshRenderer meshRenderer;
            if (!tiles.TryGetValue(id, out meshRenderer)) return;
            meshRenderer.GetPropertyBlock(block);
            block.SetFloat(AlphaId, alpha);
            meshRenderer.SetPropertyBlock(block);
        }

        public void RemoveTile(int id)
        {
            MeshRenderer meshRenderer;
            if (!tiles.TryGetValue(id, out meshRenderer)) return;
            tiles.Remove(id);
            Destroy(meshRenderer.GetComponent<MeshFilter>().sharedMesh);
            Destroy(meshRenderer.gameObject);
        }

        void OnDestroy()
        {
            foreach (var id in new List<int>(tiles.Keys)) RemoveTile(id);
        }

        static Mesh BuildMesh(DecodedTile tile)
        {
            int n = tile.SplatCount;
            var vertices = new Vector3[n];
            var colours = new Color32[n];
            var indices = new int[n];
            int stride = 3 * tile.ShCoefficients;
            for (int i = 0; i < n; i++)
            {
                vertices[i] = new Vector3(tile.Positions[3 * i], tile.Positions[3 * i + 1], tile.Positions[3 * i + 2]);
                colours[i] = new Color(
                    SplatMath.DcToColour(tile.Sh[stride * i]),
                    SplatMath.DcToColour(tile.Sh[stride * i + 1]),
                    SplatMath.DcToColour(tile.Sh[stride * i + 2]),
                    SplatMath.Sigmoid(tile.OpacityLogits[i]));
                indices[i] = i;
            }
            var mesh = new Mesh { indexFormat = n > 65535 ? IndexFormat.UInt32 : IndexFormat.UInt16 };
            mesh.vertices = vertices;
            mesh.colors32 = colours;
            mesh.SetIndices(indices, MeshTopology.Points, 0);
            mesh.RecalculateBounds();
            return mesh;
        }
    }
}
