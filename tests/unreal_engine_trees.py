"""Fake Unreal Engine trees: empty files where UE 5.3, 5.4 and 5.5 keep what the plugin's build
reads, so build_thirdparty.sh and the module rules can be run against each layout here.

Where each path comes from:
- OpenSSL and zlib: the engine's own OpenSSL.Build.cs and zlib.Build.cs of UE 5.3.1 and 5.4.3
  (realAYAYA/UnrealEngine-ToonLit at 0b4f286 and 4002970, Build.version read at both) and 5.5.1
  (lakeone/UE5.51MagicM, whose tree lists the OpenSSL 1.1.1t include directories and zlib 1.3).
  The libraries themselves are binaries that no source mirror holds; their paths are the ones
  those rules hand the linker (lib/Win64/VS2015/<Config>, lib/Unix/<LinuxName>, lib/Mac;
  zlib lib/<Platform>[/<LinuxName>]/Release).
- Debug siblings of the Release libraries stand beside them as the engine's OpenSSL rules name
  Debug for Win64 (Debug configuration with bDebugBuildsActuallyUseDebugCRT); zlib's Debug
  siblings are not known to ship and are here as decoys.
- zlib/v1.2.8 in 5.3: the directory is in 5.3.1's tree (v1.2.8/build/CMakeLists.txt at
  0b4f286); its inner layout (include/Win64/VS2015, lib/Unix/<LinuxName>/libz.a) is taken from
  TurboLink's 5.3 build notes (thejinchao/turbolink-libraries a67fd05), not read in the engine.
- Linux toolchain: Engine/Config/Linux/Linux_SDK.json MainVersion (5.4.3: v22_clang-16.0.6-
  centos7, 5.5.1: v23_clang-18.1.0-rockylinux8; 5.3 assumed v22 like 5.4) and the in-tree SDK
  path UnrealBuildTool's LinuxPlatformSDK.cs builds from it.
- Module directories: the <Module>.Build.cs locations of UE 5.5.1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

LINUX_ARCH = "x86_64-unknown-linux-gnu"

# Engine modules the plugin's rules name, where UE 5.5.1 keeps their rules.
ENGINE_MODULES = {
    "Core": "Runtime/Core",
    "CoreUObject": "Runtime/CoreUObject",
    "Engine": "Runtime/Engine",
    "DeveloperSettings": "Runtime/DeveloperSettings",
    "Projects": "Runtime/Projects",
    "RenderCore": "Runtime/RenderCore",
    "Renderer": "Runtime/Renderer",
    "RHI": "Runtime/RHI",
    "Slate": "Runtime/Slate",
    "SlateCore": "Runtime/SlateCore",
    "InputCore": "Runtime/InputCore",
    "UnrealEd": "Editor/UnrealEd",
    "LevelEditor": "Editor/LevelEditor",
    "WorkspaceMenuStructure": "Editor/WorkspaceMenuStructure",
    "DesktopPlatform": "Developer/DesktopPlatform",
    "Settings": "Developer/Settings",
    "OpenSSL": "ThirdParty/OpenSSL",
    "zlib": "ThirdParty/zlib",
}


@dataclass(frozen=True)
class EngineLayout:
    version: tuple[int, int, int]
    openssl: str
    zlib: str
    # The line by which the engine's rules name the version directory, in that version's form.
    openssl_rules: str
    zlib_rules: str
    linux_sdk: str
    older_zlib: bool = False

    @property
    def name(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"


# UE 5.3.1's and 5.4.3's OpenSSL.Build.cs name the directory this way; 5.5.1's by a variable.
OPENSSL_53_RULES = (
    'string OpenSSLPath = Path.Combine(Target.UEThirdPartySourceDirectory, "OpenSSL", "1.1.1t");'
)

LAYOUTS = {
    layout.name: layout
    for layout in (
        EngineLayout(
            version=(5, 3, 1),
            openssl="1.1.1t",
            zlib="1.2.13",
            openssl_rules=OPENSSL_53_RULES,
            zlib_rules='protected readonly string Version = "1.2.13";',
            linux_sdk="v22_clang-16.0.6-centos7",
            older_zlib=True,
        ),
        EngineLayout(
            version=(5, 4, 3),
            openssl="1.1.1t",
            zlib="1.3",
            openssl_rules=OPENSSL_53_RULES,
            zlib_rules='protected readonly string Version = "1.3";',
            linux_sdk="v22_clang-16.0.6-centos7",
        ),
        EngineLayout(
            version=(5, 5, 1),
            openssl="1.1.1t",
            zlib="1.3",
            openssl_rules='string OpenSSLVersion = "1.1.1t";',
            zlib_rules='protected readonly string Version = "1.3";',
            linux_sdk="v23_clang-18.1.0-rockylinux8",
        ),
    )
}


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def openssl_files(layout: EngineLayout) -> list[str]:
    base = f"OpenSSL/{layout.openssl}"
    includes = ["Win64/VS2015", "Unix", "Mac", "IOS", "Android"]
    if layout.version >= (5, 5, 0):
        includes.append("WinArm64")
    files = [f"{base}/include/{platform}/openssl/ssl.h" for platform in includes]
    for config in ("Debug", "Release"):
        win64 = f"{base}/lib/Win64/VS2015/{config}"
        files += [f"{win64}/{lib}" for lib in ("libssl.lib", "libcrypto.lib")]
    files += [f"{base}/lib/Unix/{LINUX_ARCH}/{lib}" for lib in ("libssl.a", "libcrypto.a")]
    files += [f"{base}/lib/Mac/{lib}" for lib in ("libssl.a", "libcrypto.a")]
    files += [f"{base}/lib/Android/ARM64/{lib}" for lib in ("libssl.a", "libcrypto.a")]
    return files


def zlib_files(layout: EngineLayout) -> list[str]:
    base = f"zlib/{layout.zlib}"
    files = [f"{base}/include/zlib.h", f"{base}/zlib.h"]
    for config in ("Debug", "Release"):
        files += [
            f"{base}/lib/Win64/{config}/zlibstatic.lib",
            f"{base}/lib/Unix/{LINUX_ARCH}/{config}/libz.a",
        ]
    files.append(f"{base}/lib/Mac/Release/libz.a")
    if layout.older_zlib:
        old = "zlib/v1.2.8"
        files += [
            f"{old}/build/CMakeLists.txt",
            f"{old}/include/Win64/VS2015/zlib.h",
            f"{old}/lib/Win64/VS2015/Release/zlibstatic.lib",
            f"{old}/include/Unix/{LINUX_ARCH}/zlib.h",
            f"{old}/lib/Unix/{LINUX_ARCH}/libz.a",
            f"{old}/lib/Mac/libz.a",
        ]
    return files


def make_engine(root: Path, layout: EngineLayout) -> Path:
    """Writes a fake engine of `layout` under root and returns root (the directory holding
    Engine/)."""
    engine = root / "Engine"
    major, minor, patch = layout.version
    build_version = {"MajorVersion": major, "MinorVersion": minor, "PatchVersion": patch}
    touch(engine / "Build" / "Build.version", json.dumps(build_version, indent="\t"))
    sdk = {"MainVersion": layout.linux_sdk, "AutoSDKPlatform": "Linux_x64"}
    touch(engine / "Config" / "Linux" / "Linux_SDK.json", json.dumps(sdk))

    source = engine / "Source"
    third = source / "ThirdParty"
    for name, where in ENGINE_MODULES.items():
        touch(source / where / f"{name}.Build.cs")
    touch(third / "OpenSSL" / "OpenSSL.Build.cs", layout.openssl_rules + "\n")
    touch(third / "zlib" / "zlib.Build.cs", layout.zlib_rules + "\n")
    for relative in openssl_files(layout) + zlib_files(layout):
        touch(third / relative)

    libcxx = third / "Unix" / "LibCxx"
    touch(libcxx / "include" / "c++" / "v1" / "vector")
    for lib in ("libc++.a", "libc++abi.a"):
        touch(libcxx / "lib" / "Unix" / LINUX_ARCH / lib)

    sdks = engine / "Extras" / "ThirdPartyNotUE" / "SDKs" / "HostLinux" / "Linux_x64"
    for tool in ("clang", "clang++", "ld.lld", "llvm-ar"):
        touch(sdks / layout.linux_sdk / LINUX_ARCH / "bin" / tool)
    return root
