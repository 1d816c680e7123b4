// Stand-ins for UnrealTargetPlatform, UnrealPlatformGroup and UnrealArch (UnrealBuildTool
// Configuration/UEBuildTarget.cs, Platform/Linux/UEBuildLinux.cs of UE 5.5.1; the same members
// are used by UE 5.3.1's and 5.4.3's OpenSSL.Build.cs and zlib.Build.cs). They are structs with
// static properties, not enums, in every UE5: a rules file cannot `switch` on them, and this
// stand-in keeps it so. Group membership is what the desktop platforms register in UBT
// (UEBuildWindows.cs, UEBuildLinux.cs, UEBuildMac.cs, UEBuildIOS.cs, UEBuildAndroid.cs).
using System;
using System.Collections.Generic;

namespace UnrealBuildTool
{
	public partial struct UnrealTargetPlatform
	{
		private readonly string Name;

		private UnrealTargetPlatform(string Name)
		{
			this.Name = Name;
		}

		public static bool operator ==(UnrealTargetPlatform A, UnrealTargetPlatform B)
		{
			return A.Name == B.Name;
		}

		public static bool operator !=(UnrealTargetPlatform A, UnrealTargetPlatform B)
		{
			return A.Name != B.Name;
		}

		public override bool Equals(object B)
		{
			return B is UnrealTargetPlatform && ((UnrealTargetPlatform)B).Name == Name;
		}

		public override int GetHashCode()
		{
			return Name == null ? 0 : Name.GetHashCode();
		}

		public override string ToString()
		{
			return Name;
		}

		private static readonly string[] Names = { "Win64", "Mac", "IOS", "Android", "Linux", "LinuxArm64", "TVOS" };

		public static bool TryParse(string Name, out UnrealTargetPlatform Platform)
		{
			Platform = new UnrealTargetPlatform(Name);
			return Array.IndexOf(Names, Name) >= 0;
		}

		public static UnrealTargetPlatform Parse(string Name)
		{
			UnrealTargetPlatform Platform;
			if (!TryParse(Name, out Platform))
			{
				throw new BuildException(String.Format("The platform name {0} is not a valid platform name. Valid names are ({1})", Name, String.Join(",", Names)));
			}
			return Platform;
		}

		public bool IsInGroup(UnrealPlatformGroup Group)
		{
			return UnrealPlatformGroup.Contains(Group, this);
		}

		public static UnrealTargetPlatform Win64 { get; } = new UnrealTargetPlatform("Win64");
		public static UnrealTargetPlatform Mac { get; } = new UnrealTargetPlatform("Mac");
		public static UnrealTargetPlatform IOS { get; } = new UnrealTargetPlatform("IOS");
		public static UnrealTargetPlatform Android { get; } = new UnrealTargetPlatform("Android");
		public static UnrealTargetPlatform Linux { get; } = new UnrealTargetPlatform("Linux");
		public static UnrealTargetPlatform LinuxArm64 { get; } = new UnrealTargetPlatform("LinuxArm64");
		public static UnrealTargetPlatform TVOS { get; } = new UnrealTargetPlatform("TVOS");
	}

	public partial struct UnrealPlatformGroup
	{
		private readonly string Name;

		private UnrealPlatformGroup(string Name)
		{
			this.Name = Name;
		}

		public static bool operator ==(UnrealPlatformGroup A, UnrealPlatformGroup B)
		{
			return A.Name == B.Name;
		}

		public static bool operator !=(UnrealPlatformGroup A, UnrealPlatformGroup B)
		{
			return A.Name != B.Name;
		}

		public override bool Equals(object B)
		{
			return B is UnrealPlatformGroup && ((UnrealPlatformGroup)B).Name == Name;
		}

		public override int GetHashCode()
		{
			return Name == null ? 0 : Name.GetHashCode();
		}

		public override string ToString()
		{
			return Name;
		}

		public static UnrealPlatformGroup Windows { get; } = new UnrealPlatformGroup("Windows");
		public static UnrealPlatformGroup Microsoft { get; } = new UnrealPlatformGroup("Microsoft");
		public static UnrealPlatformGroup Apple { get; } = new UnrealPlatformGroup("Apple");
		public static UnrealPlatformGroup IOS { get; } = new UnrealPlatformGroup("IOS");
		public static UnrealPlatformGroup Unix { get; } = new UnrealPlatformGroup("Unix");
		public static UnrealPlatformGroup Linux { get; } = new UnrealPlatformGroup("Linux");
		public static UnrealPlatformGroup Android { get; } = new UnrealPlatformGroup("Android");
		public static UnrealPlatformGroup Desktop { get; } = new UnrealPlatformGroup("Desktop");
		public static UnrealPlatformGroup PosixOS { get; } = new UnrealPlatformGroup("PosixOS");

		private static readonly Dictionary<string, string[]> Members = new Dictionary<string, string[]>
		{
			{ "Windows", new[] { "Win64" } },
			{ "Microsoft", new[] { "Win64" } },
			{ "Apple", new[] { "Mac", "IOS", "TVOS" } },
			{ "IOS", new[] { "IOS", "TVOS" } },
			{ "Unix", new[] { "Linux", "LinuxArm64" } },
			{ "Linux", new[] { "Linux", "LinuxArm64" } },
			{ "Android", new[] { "Android" } },
			{ "Desktop", new[] { "Win64", "Mac", "Linux", "LinuxArm64" } },
			{ "PosixOS", new[] { "Mac", "Linux", "LinuxArm64" } },
		};

		internal static bool Contains(UnrealPlatformGroup Group, UnrealTargetPlatform Platform)
		{
			string[] Platforms;
			return Members.TryGetValue(Group.Name, out Platforms) && Array.IndexOf(Platforms, Platform.ToString()) >= 0;
		}
	}

	public partial struct UnrealArch
	{
		private readonly string Name;

		private UnrealArch(string Name)
		{
			this.Name = Name;
		}

		public static bool operator ==(UnrealArch A, UnrealArch B)
		{
			return A.Name == B.Name;
		}

		public static bool operator !=(UnrealArch A, UnrealArch B)
		{
			return A.Name != B.Name;
		}

		public override bool Equals(object B)
		{
			return B is UnrealArch && ((UnrealArch)B).Name == Name;
		}

		public override int GetHashCode()
		{
			return Name == null ? 0 : Name.GetHashCode();
		}

		public override string ToString()
		{
			return Name;
		}

		public bool bIsX64
		{
			get { return Name == "x64"; }
		}

		// UEBuildLinux.cs: the toolchain triple of each architecture, a BuildException otherwise.
		public string LinuxName
		{
			get
			{
				if (Name == "x64")
				{
					return "x86_64-unknown-linux-gnu";
				}
				if (Name == "arm64")
				{
					return "aarch64-unknown-linux-gnueabi";
				}
				throw new BuildException(String.Format("Unknown architecture {0} passed to UnrealArch.LinuxName", Name));
			}
		}

		public static UnrealArch X64 { get; } = new UnrealArch("x64");
		public static UnrealArch Arm64 { get; } = new UnrealArch("arm64");
		public static UnrealArch IOSSimulator { get; } = new UnrealArch("iossimulator");
		public static UnrealArch TVOSSimulator { get; } = new UnrealArch("tvossimulator");
	}
}
