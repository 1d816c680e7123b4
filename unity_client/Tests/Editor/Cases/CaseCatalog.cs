using System;
using System.Collections.Generic;
using System.Reflection;

namespace WorldStream.Tests
{
    /// <summary>
    /// The shared cases: every public static parameterless void method of a public static class
    /// named *Cases in this assembly, in a stable order. Both runners (Mono console, NUnit) list
    /// them from here, so they run the same cases.
    /// </summary>
    public static class CaseCatalog
    {
        public static List<MethodInfo> All()
        {
            var cases = new List<MethodInfo>();
            var types = new List<Type>(typeof(CaseCatalog).Assembly.GetTypes());
            types.Sort((a, b) => string.CompareOrdinal(a.FullName, b.FullName));
            foreach (var type in types)
            {
                bool isStatic = type.IsAbstract && type.IsSealed;
                if (!type.IsPublic || !isStatic || !type.Name.EndsWith("Cases", StringComparison.Ordinal)) continue;
                var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly);
                Array.Sort(methods, (a, b) => a.MetadataToken.CompareTo(b.MetadataToken));
                foreach (var method in methods)
                {
                    if (method.ReturnType == typeof(void) && method.GetParameters().Length == 0) cases.Add(method);
                }
            }
            return cases;
        }

        public static string Name(MethodInfo test) => test.DeclaringType.Name + "." + test.Name;
    }
}
