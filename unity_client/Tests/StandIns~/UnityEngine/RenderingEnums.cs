// Signatures from Unity-Technologies/UnityCsReference at tag 2021.3.58f1:
// Runtime/Export/Graphics/GraphicsEnums.cs
// (namespace UnityEngine.Rendering). Only the enums the scene components above need; the GPU
// types' enums live with them in GpuRendering.cs.
namespace UnityEngine.Rendering
{
    public enum IndexFormat
    {
        UInt16 = 0,
        UInt32 = 1,
    }

    public enum ShadowCastingMode
    {
        Off = 0,
        On = 1,
        TwoSided = 2,
        ShadowsOnly = 3,
    }
}
