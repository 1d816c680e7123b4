// Stand-in for UnityEngine, to compile the package against: never run. Every member throws.
// Signatures copied from Unity-Technologies/UnityCsReference at tag 2021.3.58f1 (the package's
// minimum, Unity 2021.3); each file names the source files it copies. Only the members the
// package uses (and a few neighbours) are here: a member missing from this stand-in fails the
// build, which is the point. Several real types are partial (Camera, Material, Mesh, Renderer,
// Matrix4x4...); they are partial here too so that the GPU types' file can add the members that
// take GraphicsBuffer or MaterialPropertyBlock.
using System;

namespace UnityEngine
{
    internal static class StandIn
    {
        internal static Exception Absent => new NotImplementedException("UnityEngine stand-in: compile only");
    }
}
