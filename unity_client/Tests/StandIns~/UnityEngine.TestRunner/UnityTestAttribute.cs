// Stand-in for the UnityEngine.TestRunner assembly of com.unity.test-framework 1.1.33 (the
// version Unity 2021.3 uses; its UnityEngine.TestRunner.asmdef names the assembly), to compile
// the package's test assemblies against: never run. Signatures copied from
// needle-mirror/com.unity.test-framework at tag 1.1.33,
// UnityEngine.TestRunner/NUnitExtensions/Attributes/UnityTestAttribute.cs. Its base class
// (NUnit's CombiningStrategyAttribute) and interfaces are left out: no call site names them.
using System;

namespace UnityEngine.TestTools
{
    [AttributeUsage(AttributeTargets.Method)]
    public class UnityTestAttribute : Attribute
    {
        public UnityTestAttribute() => throw new NotImplementedException("UnityEngine.TestRunner stand-in: compile only");
    }
}
