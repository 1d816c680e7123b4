// WorldStreamCore and the gRPC libraries it links, prebuilt per platform by build_thirdparty.sh
// (see the plugin's README): include/ holds WorldStreamCore's public headers (plain C++17, no
// gRPC type), lib/<Platform>/ the static libraries (worldstream_core, grpc++, grpc, gpr, upb,
// address_sorting, protobuf, absl_*, re2, cares). gRPC is built against the engine's own OpenSSL
// and zlib, so that the game links one copy of each.
using System;
using System.Collections.Generic;
using System.IO;
using UnrealBuildTool;

public class WorldStreamGrpc : ModuleRules
{
	public WorldStreamGrpc(ReadOnlyTargetRules Target) : base(Target)
	{
		Type = ModuleType.External;

		string IncludeDir = Path.Combine(ModuleDirectory, "include");
		string LibDir = Path.Combine(ModuleDirectory, "lib", Target.Platform.ToString());
		string Extension = Target.Platform == UnrealTargetPlatform.Win64 ? "*.lib" : "*.a";
		string[] Libraries = Directory.Exists(LibDir) ? Directory.GetFiles(LibDir, Extension) : new string[0];
		if (!File.Exists(Path.Combine(IncludeDir, "worldstream", "client.h")) || Libraries.Length == 0)
		{
			throw new BuildException(
				"WorldStreamGrpc: no prebuilt libraries for " + Target.Platform + " in " + LibDir +
				". Run Source/ThirdParty/WorldStreamGrpc/build_thirdparty.sh (unreal_client/README.md, Install).");
		}

		// A copy that lacks the core or gRPC's main libraries would fail at link time with
		// thousands of undefined symbols; name what is missing here instead. Names without the
		// "lib" prefix: libgrpc.a and grpc.lib, libprotobuf.a and libprotobuf.lib.
		List<string> Missing = new List<string> { "worldstream_core", "grpc++", "grpc", "gpr", "protobuf" };
		foreach (string Library in Libraries)
		{
			string Name = Path.GetFileNameWithoutExtension(Library);
			Missing.Remove(Name.StartsWith("lib") ? Name.Substring(3) : Name);
		}
		if (Missing.Count > 0)
		{
			throw new BuildException(
				"WorldStreamGrpc: " + LibDir + " lacks " + string.Join(", ", Missing) +
				". Run Source/ThirdParty/WorldStreamGrpc/build_thirdparty.sh again (unreal_client/README.md, Install).");
		}

		PublicSystemIncludePaths.Add(IncludeDir);
		// The linkers of every desktop platform the plugin supports (MSVC link, lld, ld64) resolve
		// symbols across static libraries in any order, so the list needs no ordering.
		PublicAdditionalLibraries.AddRange(Libraries);

		// gRPC's TLS and compression come from the engine's copies.
		AddEngineThirdPartyPrivateStaticDependencies(Target, "OpenSSL", "zlib");

		if (Target.Platform == UnrealTargetPlatform.Win64)
		{
			// Sockets, certificates and adapter addresses (c-ares) for gRPC's core.
			PublicSystemLibraries.AddRange(new string[] { "ws2_32.lib", "crypt32.lib", "iphlpapi.lib", "advapi32.lib", "bcrypt.lib" });
		}
		else if (Target.Platform == UnrealTargetPlatform.Mac)
		{
			// abseil's time zones read the system's through CoreFoundation.
			PublicFrameworks.Add("CoreFoundation");
			PublicSystemLibraries.Add("resolv");
		}
		else if (Target.Platform == UnrealTargetPlatform.Linux)
		{
			PublicSystemLibraries.AddRange(new string[] { "pthread", "dl", "rt" });
		}
	}
}
