// Stand-in for gsplat-unity's runtime assembly, to compile the package's optional gsplat backend
// (WORLDSTREAM_GSPLAT) against: never run. Every member throws. The package is wu.yize.gsplat
// (package.json "name") and its runtime assembly "Gsplat" (Runtime/Gsplat.asmdef "name"), the same
// in wuyize25/gsplat-unity at tag v1.2.1 and at tag v1.3.0 (and every tag between). The package's
// versionDefines accept [1.2.1, 2.0.0), so this copies only members whose signatures are the same
// in v1.2.1 and v1.3.0:
// Runtime/GsplatRenderer.cs, Runtime/GsplatAsset.cs, Runtime/GsplatAssetUncompressed.cs. Left out:
// everything typed by gsplat's GPU resources (GsplatResource, ISorterResource, CommandBuffer) and
// LoadFromPly, whose parameters changed in v1.3.0.
using System;
using UnityEngine;

namespace Gsplat
{
    internal static class StandIn
    {
        internal static Exception Absent => new NotImplementedException("Gsplat stand-in: compile only");
    }

    public enum CompressionMode
    {
        Uncompressed,
        Spark,
    }

    public abstract class GsplatAsset : ScriptableObject
    {
        public uint SplatCount;
        public byte SHBands;
        public Bounds Bounds;
        public abstract CompressionMode Compression { get; }
        public abstract void Allocate();
    }

    public class GsplatAssetUncompressed : GsplatAsset
    {
        public override CompressionMode Compression => throw StandIn.Absent;
        public Vector3[] Positions;
        public Vector4[] Colors;
        public Vector3[] SHs;
        public Vector3[] Scales;
        public Vector4[] Rotations;
        public override void Allocate() => throw StandIn.Absent;
    }

    [ExecuteAlways]
    public class GsplatRenderer : MonoBehaviour
    {
        public GsplatAsset GsplatAsset;
        public int SHDegree = 3;
        public float Brightness = 1.0f;
        public float SplatDownscaleFactor = 0.0f;
        public bool GammaToLinear;
        public bool AsyncUpload;
        public bool RenderBeforeUploadComplete = true;
        public bool Valid => throw StandIn.Absent;
        public uint SplatCount => throw StandIn.Absent;
        public string AssetGuid => throw StandIn.Absent;
        public void ReloadAsset() => throw StandIn.Absent;
    }
}
