using System.IO;
using UnityEditor.Build;
using UnityEditor.Build.Reporting;
using UnityEditor.UnityLinker;

namespace WorldStream.Editor
{
    /// <summary>
    /// Hands the package's linker configuration (<see cref="LinkXml"/>) to every player build.
    /// Unity reads link.xml files only under Assets/, never inside a package, so a link.xml
    /// shipped here would be ignored. In 2021.3 and later the interface has this one method.
    /// </summary>
    public sealed class WorldStreamLinkerProcessor : IUnityLinkerProcessor
    {
        public int callbackOrder => 0;

        public string GenerateAdditionalLinkXmlFile(BuildReport report, UnityLinkerBuildPipelineData data)
        {
            // The linker run's own staging folder: written fresh for each build.
            var path = Path.Combine(data.inputDirectory, "WorldStream.link.xml");
            File.WriteAllText(path, LinkXml.Text());
            return path;
        }
    }
}
