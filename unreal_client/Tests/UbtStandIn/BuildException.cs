// Stand-in for UnrealBuildTool's BuildException (Engine/Source/Programs/UnrealBuildTool/System/
// BuildException.cs, UE 5.5.1 as mirrored in lakeone/UE5.51MagicM): the constructors a rules
// file can call, signature for signature. Logging members are left out; rules never call them.
using System;

namespace UnrealBuildTool
{
	public class BuildException : Exception
	{
		public BuildException(string Message)
			: base(Message)
		{
		}

		public BuildException(Exception InnerException, string Message)
			: base(Message, InnerException)
		{
		}

		public BuildException(string Format, params object[] Arguments)
			: base(String.Format(Format, Arguments))
		{
		}

		public BuildException(Exception InnerException, string Format, params object[] Arguments)
			: base(String.Format(Format, Arguments), InnerException)
		{
		}

		// As in UBT: a build error is reported by its message, without a call stack.
		public override string ToString()
		{
			return Message;
		}
	}
}
