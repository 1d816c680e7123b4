using System.Text;

namespace WorldStream.Editor
{
    /// <summary>
    /// The IL2CPP linker configuration the package needs. The linker strips code it cannot see
    /// being used; protobuf builds its descriptors by reflection over the generated messages'
    /// properties and gRPC reaches its marshallers through generics, so these assemblies stay
    /// whole. Each is a reference of WorldStream.Runtime (Grpc.Net.Common through
    /// Grpc.Net.Client), so a build that reaches the linker has all of them: none is optional,
    /// none is marked ignoreIfMissing. Plain C# without UnityEditor, so that it also runs
    /// outside Unity (tests/test_unity_engine_code.py).
    /// </summary>
    public static class LinkXml
    {
        /// <summary>Assembly names as the linker knows them (each assembly's own name).</summary>
        public static readonly string[] Preserved =
        {
            "WorldStream.Core",
            "WorldStream.Runtime",
            "Google.Protobuf",
            "Grpc.Core.Api",
            "Grpc.Net.Client",
            "Grpc.Net.Common",
            "Cysharp.Net.Http.YetAnotherHttpHandler",
        };

        public static string Text()
        {
            var xml = new StringBuilder();
            xml.Append("<linker>\n");
            foreach (var name in Preserved)
            {
                xml.Append("  <assembly fullname=\"").Append(name).Append("\" preserve=\"all\"/>\n");
            }
            xml.Append("</linker>\n");
            return xml.ToString();
        }
    }
}
