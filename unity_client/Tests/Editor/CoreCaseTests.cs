using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.ExceptionServices;
using NUnit.Framework;

namespace WorldStream.Tests
{
    /// <summary>
    /// The shared Core cases (Cases/, the same ones tests/test_unity_core.py runs under Mono) as
    /// Unity EditMode tests: one NUnit test per case, named after it.
    /// </summary>
    public sealed class CoreCaseTests
    {
        static IEnumerable<TestCaseData> Cases()
        {
            foreach (var test in CaseCatalog.All())
            {
                yield return new TestCaseData(test).SetName(CaseCatalog.Name(test));
            }
        }

        [OneTimeSetUp]
        public void FindTheGoldenVectors()
        {
            if (!string.IsNullOrEmpty(TestData.VectorDirectory)) return;
            // The package sits in the repository (installed from disk or git): its vectors are
            // at ../tests/vectors.
            var package = UnityEditor.PackageManager.PackageInfo.FindForAssembly(typeof(CoreCaseTests).Assembly);
            if (package == null) return;
            var vectors = Path.GetFullPath(Path.Combine(package.resolvedPath, "..", "tests", "vectors"));
            if (Directory.Exists(vectors)) TestData.VectorDirectory = vectors;
        }

        [TestCaseSource(nameof(Cases))]
        public void Case(MethodInfo test)
        {
            try
            {
                test.Invoke(null, null);
            }
            catch (TargetInvocationException e) when (e.InnerException is CaseSkippedException)
            {
                Assert.Ignore(e.InnerException.Message);
            }
            catch (TargetInvocationException e)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            }
        }
    }
}
