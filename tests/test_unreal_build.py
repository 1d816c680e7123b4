"""build_thirdparty.sh against fake engine trees in the UE 5.3, 5.4 and 5.5 layouts.

--resolve-only prints every input the build would use; these tests check that it finds the
engine's own OpenSSL and zlib (the version directories the engine's rules name, Release
libraries, the platform's headers), the engine's Linux toolchain, and that a missing or
ambiguous input stops it with a message naming it. One Linux build runs end to end with
stand-in git and cmake that record what they are handed. No network, no compiler.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from unreal_engine_trees import LAYOUTS, LINUX_ARCH, EngineLayout, make_engine

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "unreal_client/Source/ThirdParty/WorldStreamGrpc/build_thirdparty.sh"
PLATFORMS = ("Win64", "Linux", "Mac")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def run_script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "LINUX_MULTIARCH_ROOT"}
    # These tests are about engine layouts, not this host's tools: any executable will do
    # where cmake or git is absent (a test of a missing tool names one that does not exist).
    for variable, tool in (("CMAKE", "cmake"), ("GIT", "git")):
        environment[variable] = shutil.which(tool) or shutil.which("true") or tool
    environment.update(env or {})
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        check=False,
    )


def resolve(engine: Path, platform: str, **env: str) -> dict[str, str]:
    result = run_script("--engine", str(engine), "--resolve-only", "--platform", platform, env=env)
    assert result.returncode == 0, result.stderr
    return dict(line.split("=", 1) for line in result.stdout.splitlines())


def expected_inputs(engine: Path, layout: EngineLayout, platform: str) -> dict[str, str]:
    """The Release libraries and per-platform headers the engine's OpenSSL.Build.cs and
    zlib.Build.cs hand its own linker, as read in UE 5.3.1, 5.4.3 and 5.5.1."""
    third = engine / "Engine" / "Source" / "ThirdParty"
    ssl, zlib = third / "OpenSSL" / layout.openssl, third / "zlib" / layout.zlib
    if platform == "Win64":
        libs, ext = ssl / "lib" / "Win64" / "VS2015" / "Release", "lib"
        include = ssl / "include" / "Win64" / "VS2015"
        zlib_library = zlib / "lib" / "Win64" / "Release" / "zlibstatic.lib"
    elif platform == "Linux":
        libs, ext = ssl / "lib" / "Unix" / LINUX_ARCH, "a"
        include = ssl / "include" / "Unix"
        zlib_library = zlib / "lib" / "Unix" / LINUX_ARCH / "Release" / "libz.a"
    else:
        libs, ext = ssl / "lib" / "Mac", "a"
        include = ssl / "include" / "Mac"
        zlib_library = zlib / "lib" / "Mac" / "Release" / "libz.a"
    return {
        "openssl.version": layout.openssl,
        "openssl.include": str(include),
        "openssl.ssl": str(libs / f"libssl.{ext}"),
        "openssl.crypto": str(libs / f"libcrypto.{ext}"),
        "zlib.version": layout.zlib,
        "zlib.include": str(zlib / "include"),
        "zlib.library": str(zlib_library),
    }


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("engines")
    return {name: make_engine(root / name, layout) for name, layout in LAYOUTS.items()}


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("version", sorted(LAYOUTS))
def test_resolution_finds_the_engines_release_openssl_and_zlib_and_the_platforms_headers(
    engines: dict[str, Path], version: str, platform: str
) -> None:
    engine, layout = engines[version], LAYOUTS[version]
    inputs = resolve(engine, platform)
    expected = expected_inputs(engine, layout, platform)
    assert {key: inputs[key] for key in expected} == expected
    assert inputs["engine.version"] == ".".join(map(str, layout.version))
    assert inputs["platform"] == platform
    for key in ("openssl.ssl", "openssl.crypto", "zlib.library"):
        assert Path(inputs[key]).is_file() and "Debug" not in inputs[key]
    assert (Path(inputs["openssl.include"]) / "openssl" / "ssl.h").is_file()
    assert (Path(inputs["zlib.include"]) / "zlib.h").is_file()
    assert inputs["out.lib"].endswith(f"WorldStreamGrpc/lib/{platform}")
    assert inputs["out.include"].endswith("WorldStreamGrpc/include")
    assert Path(inputs["tool.cmake"]).is_file() and Path(inputs["tool.git"]).is_file()


def test_ue_5_3_resolves_the_zlib_its_rules_name_not_the_older_directory_beside_it(
    engines: dict[str, Path],
) -> None:
    # 5.3 keeps zlib/v1.2.8 beside 1.2.13; "v1.2.8" sorts after "1.2.13", so picking the last
    # directory that has headers (what the script did before) chose a zlib the engine does
    # not link.
    third = engines["5.3"] / "Engine" / "Source" / "ThirdParty" / "zlib"
    assert (third / "v1.2.8").is_dir()
    for platform in PLATFORMS:
        inputs = resolve(engines["5.3"], platform)
        assert inputs["zlib.version"] == "1.2.13"
        assert "/zlib/1.2.13/" in inputs["zlib.library"]


@pytest.mark.parametrize("version", sorted(LAYOUTS))
def test_linux_resolution_takes_the_engines_in_tree_clang_and_libcxx(
    engines: dict[str, Path], version: str
) -> None:
    engine, layout = engines[version], LAYOUTS[version]
    inputs = resolve(engine, "Linux")
    sdk = (
        engine / "Engine/Extras/ThirdPartyNotUE/SDKs/HostLinux/Linux_x64" / layout.linux_sdk
    ) / LINUX_ARCH
    assert inputs["compiler.c"] == str(sdk / "bin" / "clang")
    assert inputs["compiler.cxx"] == str(sdk / "bin" / "clang++")
    assert inputs["linker"] == str(sdk / "bin" / "ld.lld")
    libcxx = engine / "Engine/Source/ThirdParty/Unix/LibCxx"
    assert inputs["libcxx.include"] == str(libcxx / "include" / "c++" / "v1")
    assert inputs["libcxx.lib"] == str(libcxx / "lib" / "Unix" / LINUX_ARCH)


def test_linux_multiarch_root_overrides_the_in_tree_toolchain(
    engines: dict[str, Path], tmp_path: Path
) -> None:
    for tool in ("clang", "clang++", "ld.lld", "llvm-ar"):
        path = tmp_path / "toolchain" / LINUX_ARCH / "bin" / tool
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    inputs = resolve(engines["5.5"], "Linux", LINUX_MULTIARCH_ROOT=str(tmp_path / "toolchain"))
    assert inputs["compiler.cxx"] == str(tmp_path / "toolchain" / LINUX_ARCH / "bin" / "clang++")


def fresh_engine(tmp_path: Path, version: str = "5.3") -> Path:
    return make_engine(tmp_path / "engine", LAYOUTS[version])


@pytest.mark.parametrize(
    ("platform", "library"),
    [
        ("Win64", "OpenSSL/1.1.1t/lib/Win64/VS2015/Release/libssl.lib"),
        ("Linux", "OpenSSL/1.1.1t/lib/Unix/x86_64-unknown-linux-gnu/libcrypto.a"),
        ("Mac", "zlib/1.2.13/lib/Mac/Release/libz.a"),
        ("Linux", "zlib/1.2.13/lib/Unix/x86_64-unknown-linux-gnu/Release/libz.a"),
    ],
)
def test_a_missing_release_library_stops_resolution_naming_it(
    tmp_path: Path, platform: str, library: str
) -> None:
    engine = fresh_engine(tmp_path)
    missing = engine / "Engine" / "Source" / "ThirdParty" / library
    missing.unlink()
    # The Debug sibling (Win64 OpenSSL, zlib) is still there and must not be taken instead.
    result = run_script("--engine", str(engine), "--resolve-only", "--platform", platform)
    assert result.returncode == 2
    assert str(missing) in result.stderr and "Release" in result.stderr
    assert result.stdout == ""


def test_missing_platform_headers_stop_resolution(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path)
    headers = engine / "Engine/Source/ThirdParty/OpenSSL/1.1.1t/include/Unix"
    shutil.rmtree(headers)
    result = run_script("--engine", str(engine), "--resolve-only", "--platform", "Linux")
    assert result.returncode == 2
    assert f"OpenSSL 1.1.1t headers for Linux not found: {headers}/openssl/ssl.h" in result.stderr


def test_rules_that_name_two_existing_version_directories_are_ambiguous(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path)
    openssl = engine / "Engine/Source/ThirdParty/OpenSSL"
    (openssl / "1.1.1n" / "include").mkdir(parents=True)
    (openssl / "OpenSSL.Build.cs").write_text('string A = "1.1.1t"; string B = "1.1.1n";\n')
    result = run_script("--engine", str(engine), "--resolve-only", "--platform", "Linux")
    assert result.returncode == 2
    assert "several version directories" in result.stderr and "1.1.1n 1.1.1t" in result.stderr


def test_rules_that_name_no_existing_version_directory_stop_resolution(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path, "5.5")
    (engine / "Engine/Source/ThirdParty/zlib/zlib.Build.cs").write_text('Version = "1.3.1";\n')
    result = run_script("--engine", str(engine), "--resolve-only", "--platform", "Mac")
    assert result.returncode == 2
    assert "zlib.Build.cs names no version directory" in result.stderr
    assert "1.3.1" in result.stderr


def test_missing_engine_rules_stop_resolution(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path)
    (engine / "Engine/Source/ThirdParty/OpenSSL/OpenSSL.Build.cs").unlink()
    result = run_script("--engine", str(engine), "--resolve-only", "--platform", "Win64")
    assert result.returncode == 2
    assert "the engine's OpenSSL rules not found" in result.stderr


def test_a_missing_linux_toolchain_stops_resolution(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path, "5.4")
    sdks = engine / "Engine/Extras/ThirdPartyNotUE/SDKs"
    shutil.rmtree(sdks)
    result = run_script("--engine", str(engine), "--resolve-only", "--platform", "Linux")
    assert result.returncode == 2
    assert "LINUX_MULTIARCH_ROOT is not set" in result.stderr
    assert "v22_clang-16.0.6-centos7" in result.stderr
    # Win64 and Mac do not use it.
    win64 = run_script("--engine", str(engine), "--resolve-only", "--platform", "Win64")
    assert win64.returncode == 0, win64.stderr


def test_a_missing_tool_stops_resolution(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path)
    args = ("--engine", str(engine), "--resolve-only", "--platform", "Mac")
    result = run_script(*args, env={"CMAKE": str(tmp_path / "no-cmake")})
    assert result.returncode == 2 and "cmake not found" in result.stderr


def test_engines_older_than_5_3_and_non_engines_are_refused(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path)
    (engine / "Engine/Build/Build.version").write_text('{"MajorVersion": 5, "MinorVersion": 2}')
    result = run_script("--engine", str(engine), "--resolve-only")
    assert result.returncode == 2 and "needs UE 5.3 or later" in result.stderr
    result = run_script("--engine", str(tmp_path), "--resolve-only")
    assert result.returncode == 2 and "not an engine root" in result.stderr


def test_a_build_for_another_platform_than_the_host_is_refused(engines: dict[str, Path]) -> None:
    other = "Win64" if sys.platform != "win32" else "Linux"
    result = run_script("--engine", str(engines["5.4"]), "--platform", other)
    assert result.returncode == 2 and "--resolve-only" in result.stderr


STUB_GIT = """#!/bin/sh
echo "git $*" >> "$STUB_LOG"
for last; do :; done
mkdir -p "$last"
"""

# Records each call; a configure remembers its install prefix, an install fills it with what
# gRPC and WorldStreamCore install (headers, static libraries, protoc's libraries).
STUB_CMAKE = """#!/bin/sh
echo "cmake $*" >> "$STUB_LOG"
if [ "$1" = "--install" ]; then
  prefix="$(cat "$2/prefix")"
  mkdir -p "$prefix/include/worldstream" "$prefix/lib"
  touch "$prefix/include/worldstream/client.h"
  for lib in libgrpc.a libgrpc++.a libgpr.a libprotobuf.a libprotoc.a \
             libgrpc_plugin_support.a libworldstream_core.a; do
    touch "$prefix/lib/$lib"
  done
  exit 0
fi
build=""
for arg; do
  case "$prev" in -B) build="$arg" ;; esac
  case "$arg" in -DCMAKE_INSTALL_PREFIX=*) prefix="${arg#-DCMAKE_INSTALL_PREFIX=}" ;; esac
  prev="$arg"
done
if [ -n "$build" ]; then mkdir -p "$build"; echo "$prefix" > "$build/prefix"; fi
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds run on their platform")
def test_a_linux_build_hands_cmake_the_resolved_inputs_and_installs_what_the_module_links(
    engines: dict[str, Path], tmp_path: Path
) -> None:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name, text in (("git", STUB_GIT), ("cmake", STUB_CMAKE)):
        (stubs / name).write_text(text)
        (stubs / name).chmod(0o755)
    log, out, work = tmp_path / "calls.log", tmp_path / "out", tmp_path / "work"
    engine = engines["5.3"]
    inputs = resolve(engine, "Linux")
    env = {"CMAKE": str(stubs / "cmake"), "GIT": str(stubs / "git"), "STUB_LOG": str(log)}
    args = ("--engine", str(engine), "--work", str(work), "--out", str(out), "--jobs", "2")
    result = run_script(*args, env=env)
    assert result.returncode == 0, result.stderr

    calls = log.read_text().splitlines()
    assert calls[0].startswith("git clone --depth 1 --branch v1.51.1")
    configures = [c for c in calls if c.startswith("cmake -S")]
    assert len(configures) == 2
    grpc = configures[0]
    for flag in (
        f"-DOPENSSL_SSL_LIBRARY={inputs['openssl.ssl']}",
        f"-DOPENSSL_CRYPTO_LIBRARY={inputs['openssl.crypto']}",
        f"-DOPENSSL_INCLUDE_DIR={inputs['openssl.include']}",
        f"-DZLIB_LIBRARY={inputs['zlib.library']}",
        f"-DZLIB_INCLUDE_DIR={inputs['zlib.include']}",
    ):
        assert flag in grpc.split(" "), flag
    for configure in configures:
        assert f"-DCMAKE_CXX_COMPILER={inputs['compiler.cxx']}" in configure
        assert f"-DCMAKE_C_COMPILER={inputs['compiler.c']}" in configure
        assert f"-L{inputs['libcxx.lib']}" in configure
    assert re.search(r"-DWORLDSTREAM_PROTO_DIR=\S+/proto\b", configures[1])

    assert (out / "include" / "worldstream" / "client.h").is_file()
    installed = sorted(p.name for p in (out / "lib" / "Linux").iterdir())
    linked = ["libgpr.a", "libgrpc++.a", "libgrpc.a", "libprotobuf.a", "libworldstream_core.a"]
    assert installed == linked
    assert f"5 libraries in {out}/lib/Linux" in result.stdout


def test_every_option_the_readme_gives_the_script_is_one_it_takes() -> None:
    readme = (ROOT / "unreal_client" / "README.md").read_text()
    named = set(re.findall(r"build_thirdparty\.sh[^\n`]*", readme))
    options = {o for line in named for o in re.findall(r"(?<![\w-])--[a-z][a-z-]*", line)}
    options |= set(re.findall(r"`(--[a-z][a-z-]*)[ `]", readme))
    taken = set(re.findall(r"^\s+(--[a-z-]+)\)", SCRIPT.read_text(), re.M))
    assert options, "the README no longer shows how to run build_thirdparty.sh"
    assert options <= taken, options - taken
