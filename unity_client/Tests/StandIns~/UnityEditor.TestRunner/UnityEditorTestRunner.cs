// Stand-in for the UnityEditor.TestRunner assembly of com.unity.test-framework, read in
// needle-mirror/com.unity.test-framework at tag 1.1.33 (UnityEditor.TestRunner/
// UnityEditor.TestRunner.asmdef names it). The package references it from
// Tests/Editor but uses none of its types, so the stand-in is an empty assembly of that name: a
// reference to it resolves, and any use of a type from it fails to compile.
namespace UnityEditor.TestTools
{
}
