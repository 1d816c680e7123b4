// Stand-in for nunit.framework as Unity 2021.3's test framework ships it (com.unity.ext.nunit
// 1.0.6, NUnit 3.5), to compile the package's test assemblies against: never run. Every member
// throws. Signatures copied from nunit/nunit at tag 3.5, src/NUnitFramework/framework/:
// Attributes/TestAttribute.cs, Attributes/TestCaseSourceAttribute.cs,
// Attributes/OneTimeSetUpAttribute.cs, TestCaseData.cs, Assert.cs, Assert.Equality.cs,
// Assert.Conditions.cs. The attributes' NUnit-internal interfaces (ISimpleTestBuilder,
// ITestBuilder, ...) and base classes (NUnitAttribute, TestCaseParameters) are left out: no call
// site names them. Debian's nunit (2.6) does not fit: it has no OneTimeSetUp.
using System;

namespace NUnit.Framework
{
    internal static class StandIn
    {
        internal static Exception Absent => new NotImplementedException("NUnit stand-in: compile only");
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
    public class TestAttribute : Attribute
    {
        public string Description { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public object ExpectedResult { get => throw StandIn.Absent; set => throw StandIn.Absent; }
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
    public class TestCaseSourceAttribute : Attribute
    {
        public TestCaseSourceAttribute(string sourceName) => throw StandIn.Absent;
        public TestCaseSourceAttribute(Type sourceType, string sourceName, object[] methodParams) => throw StandIn.Absent;
        public TestCaseSourceAttribute(Type sourceType, string sourceName) => throw StandIn.Absent;
        public TestCaseSourceAttribute(Type sourceType) => throw StandIn.Absent;
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
    public class OneTimeSetUpAttribute : Attribute
    {
    }

    public class TestCaseData
    {
        public TestCaseData(params object[] args) => throw StandIn.Absent;
        public TestCaseData(object arg) => throw StandIn.Absent;
        public TestCaseData(object arg1, object arg2) => throw StandIn.Absent;
        public TestCaseData Returns(object result) => throw StandIn.Absent;
        public TestCaseData SetName(string name) => throw StandIn.Absent;
        public TestCaseData SetDescription(string description) => throw StandIn.Absent;
        public TestCaseData Ignore(string reason) => throw StandIn.Absent;
    }

    public partial class Assert
    {
        public static void Pass(string message) => throw StandIn.Absent;
        public static void Fail(string message) => throw StandIn.Absent;
        public static void Fail() => throw StandIn.Absent;
        public static void Ignore(string message, params object[] args) => throw StandIn.Absent;
        public static void Ignore(string message) => throw StandIn.Absent;
        public static void Ignore() => throw StandIn.Absent;
        public static void AreEqual(double expected, double actual, double delta) => throw StandIn.Absent;
        public static void AreEqual(double expected, double? actual, double delta) => throw StandIn.Absent;
        public static void AreEqual(object expected, object actual, string message, params object[] args) => throw StandIn.Absent;
        public static void AreEqual(object expected, object actual) => throw StandIn.Absent;
        public static void IsTrue(bool condition, string message, params object[] args) => throw StandIn.Absent;
        public static void IsTrue(bool condition) => throw StandIn.Absent;
        public static void IsFalse(bool condition) => throw StandIn.Absent;
        public static void IsNotNull(object anObject, string message, params object[] args) => throw StandIn.Absent;
        public static void IsNotNull(object anObject) => throw StandIn.Absent;
        public static void IsNull(object anObject, string message, params object[] args) => throw StandIn.Absent;
        public static void IsNull(object anObject) => throw StandIn.Absent;
    }
}
