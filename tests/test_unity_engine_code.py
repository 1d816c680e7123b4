"""The Unity package's engine-side C#, checked without Unity.

Every name an .asmdef references is a real assembly name (the list below says where each comes
from), and every assembly (Runtime with its generated code, Editor, Samples~, the test
assemblies) compiles with Mono against the stand-ins of unity_client/Tests/StandIns~ in every
configuration of UNITY_EDITOR, the package's #if symbols and its optional packages
(unity_client/Tests/compile_engine_code.sh). Nothing of the engine side runs here: the stand-ins
only carry the real signatures. Control cases prove that each check fails when it should.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "unity_client"
SCRIPT = PACKAGE / "Tests" / "compile_engine_code.sh"
STANDINS = PACKAGE / "Tests" / "StandIns~"
MISSING_TOOL = 3
BUILD_FAILED = 2

# Assembly names an asmdef's "references" may hold besides the package's own asmdefs.
KNOWN_ASSEMBLIES = {
    "Cysharp.Net.Http.YetAnotherHttpHandler": (
        "Cysharp/YetAnotherHttpHandler src/YetAnotherHttpHandler/YetAnotherHttpHandler.Unity.asmdef"
        ' "name", the same at every tag from v0.1.0 to 1.11.5'
    ),
    "Gsplat": 'wuyize25/gsplat-unity Runtime/Gsplat.asmdef "name", v1.2.1 to v1.3.0',
    "UnityEngine.TestRunner": (
        "com.unity.test-framework 1.1.33 UnityEngine.TestRunner/UnityEngine.TestRunner.asmdef"
    ),
    "UnityEditor.TestRunner": (
        "com.unity.test-framework 1.1.33 UnityEditor.TestRunner/UnityEditor.TestRunner.asmdef"
    ),
}

# DLL file names an asmdef's "precompiledReferences" may hold.
KNOWN_DLLS = {
    "Google.Protobuf.dll": (
        "NuGet Google.Protobuf: protocolbuffers/protobuf csharp/src/Google.Protobuf/"
        "Google.Protobuf.csproj sets no AssemblyName, so the project's name (v21.12)"
    ),
    "Grpc.Core.Api.dll": "NuGet Grpc.Core.Api: grpc/grpc-dotnet src/Grpc.Core.Api (v2.51.0)",
    "Grpc.Net.Client.dll": "NuGet Grpc.Net.Client: grpc/grpc-dotnet src/Grpc.Net.Client (v2.51.0)",
    "Grpc.Net.Common.dll": "NuGet Grpc.Net.Common: grpc/grpc-dotnet src/Grpc.Net.Common (v2.51.0)",
    "nunit.framework.dll": (
        "com.unity.ext.nunit 1.0.6 net35/unity-custom/nunit.framework.dll, as"
        " UnityEngine.TestRunner.asmdef (test framework 1.1.33) names it"
    ),
}

# UPM package names a versionDefines entry may hold.
KNOWN_PACKAGES = {
    "wu.yize.gsplat": 'wuyize25/gsplat-unity package.json "name", v1.2.1 to v1.3.0',
}

needs_mcs = pytest.mark.skipif(
    shutil.which("mcs") is None, reason="mcs not installed (Debian: mono-devel)"
)


def package_asmdefs(package: Path) -> dict[str, dict]:
    return {
        json.loads(p.read_text())["name"]: json.loads(p.read_text())
        for p in sorted(package.rglob("*.asmdef"))
    }


def asmdef_problems(asmdef: dict, own: set[str]) -> list[str]:
    """Every reference of one asmdef that names no known assembly, DLL or package."""
    problems = []
    name = asmdef["name"]
    for ref in asmdef.get("references", []):
        if ref not in own and ref not in KNOWN_ASSEMBLIES:
            problems.append(name + ": unknown assembly reference " + ref)
    for dll in asmdef.get("precompiledReferences", []):
        if dll not in KNOWN_DLLS:
            problems.append(name + ": unknown precompiled reference " + dll)
    for define in asmdef.get("versionDefines", []):
        if define["name"] not in KNOWN_PACKAGES:
            problems.append(name + ": versionDefines name an unknown package " + define["name"])
    return problems


def test_every_asmdef_reference_names_a_known_assembly():
    asmdefs = package_asmdefs(PACKAGE)
    assert len(asmdefs) >= 5
    problems = [p for a in asmdefs.values() for p in asmdef_problems(a, set(asmdefs))]
    assert problems == []


def test_a_misspelled_asmdef_reference_is_reported():
    asmdefs = package_asmdefs(PACKAGE)
    broken = dict(asmdefs["WorldStream.Runtime"])
    broken["references"] = ["WorldStream.Core", "YetAnotherHttpHandler"]
    broken["precompiledReferences"] = ["Google.Protobuf.dll", "Grpc.Net.Clients.dll"]
    broken["versionDefines"] = [{"name": "com.yize.gsplat", "expression": "", "define": "X"}]
    assert asmdef_problems(broken, set(asmdefs)) == [
        "WorldStream.Runtime: unknown assembly reference YetAnotherHttpHandler",
        "WorldStream.Runtime: unknown precompiled reference Grpc.Net.Clients.dll",
        "WorldStream.Runtime: versionDefines name an unknown package com.yize.gsplat",
    ]


def test_every_known_name_has_a_stand_in_that_says_where_its_signatures_come_from():
    for name in [*KNOWN_ASSEMBLIES, *(d.removesuffix(".dll") for d in KNOWN_DLLS)]:
        sources = sorted((STANDINS / name).glob("*.cs"))
        assert sources, name
        header = sources[0].read_text()[:1500]
        # The repository (owner/name) and the version its signatures were read at.
        assert re.search(r"\b[\w.-]+/[\w.-]+\b", header), name + ": no source repository named"
        assert re.search(r"\b(tag|at) v?\d+\.\d+", header), name + ": no source version named"
    for folder in STANDINS.iterdir():
        for path in folder.glob("*.cs"):
            text = path.read_text()
            assert text.startswith("//"), path
            bodies = re.findall(r"=> (.+?);", text)
            assert all("StandIn.Absent" in b or "new " in b for b in bodies), path


def run_compile(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@cache
def full_compile() -> subprocess.CompletedProcess[str]:
    return run_compile()


def compiled(output: str) -> dict[str, set[frozenset[str]]]:
    """Assembly -> the define sets it compiled with."""
    found: dict[str, set[frozenset[str]]] = {}
    for m in re.finditer(r"^ok   (\S+) in \{[^}]*\} defines \[([^\]]*)\]$", output, re.M):
        defines = frozenset(d for d in m.group(2).split(", ") if d)
        found.setdefault(m.group(1), set()).add(defines)
    return found


@needs_mcs
def test_every_engine_assembly_compiles_against_the_stand_ins_in_every_configuration():
    run = full_compile()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    found = compiled(run.stdout)
    editor, gsplat, tests = "UNITY_EDITOR", "WORLDSTREAM_GSPLAT", "UNITY_INCLUDE_TESTS"
    # The runtime in the Editor and in players, with gsplat installed and without.
    assert {
        frozenset(),
        frozenset({editor}),
        frozenset({gsplat}),
        frozenset({editor, gsplat}),
    } <= found["WorldStream.Runtime"]
    assert found["WorldStream.Editor"] == {frozenset({editor})}
    assert found["WorldStream.Tests.Editor"] == {frozenset({editor, tests})}
    assert {frozenset({tests}), frozenset({editor, tests})} <= found["WorldStream.Tests.Runtime"]
    assert {frozenset(), frozenset({editor})} <= found["Assembly-CSharp(Samples~/ExploreWorld)"]
    assert "FAIL" not in run.stdout


def broken_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "unity_client"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("*.meta"))
    return copy


@needs_mcs
def test_the_compile_fails_on_a_misspelled_asmdef_reference(tmp_path):
    copy = broken_copy(tmp_path)
    asmdef = copy / "Runtime" / "WorldStream.Runtime.asmdef"
    data = json.loads(asmdef.read_text())
    data["references"] = [
        "YetAnotherHttpHandler" if r == "Cysharp.Net.Http.YetAnotherHttpHandler" else r
        for r in data["references"]
    ]
    asmdef.write_text(json.dumps(data))
    run = run_compile("--package", str(copy), "--only", "WorldStream.Runtime")
    assert run.returncode == BUILD_FAILED, run.stdout
    assert "unknown assembly reference 'YetAnotherHttpHandler'" in run.stdout


@needs_mcs
def test_the_compile_fails_on_a_member_the_engine_does_not_have(tmp_path):
    copy = broken_copy(tmp_path)
    poses = copy / "Runtime" / "Unity" / "UnityPoses.cs"
    poses.write_text(poses.read_text().replace("camera.fieldOfView", "camera.verticalFieldOfView"))
    run = run_compile("--package", str(copy), "--only", "WorldStream.Runtime")
    assert run.returncode == BUILD_FAILED, run.stdout
    assert "error CS1061" in run.stdout and "verticalFieldOfView" in run.stdout


@needs_mcs
def test_code_outside_its_define_using_an_optional_package_fails_the_compile(tmp_path):
    copy = broken_copy(tmp_path)
    session = copy / "Runtime" / "Unity" / "WorldStreamSession.cs"
    session.write_text(
        session.read_text().replace(
            "using WorldStream.Core;", "using WorldStream.Core;\nusing Gsplat;", 1
        )
    )
    run = run_compile("--package", str(copy), "--only", "WorldStream.Runtime")
    assert run.returncode == BUILD_FAILED, run.stdout
    # Fails where gsplat is not installed, compiles where it is.
    assert re.search(r"^FAIL WorldStream\.Runtime in \{\}$", run.stdout, re.M)
    assert re.search(r"^ok   WorldStream\.Runtime in \{WORLDSTREAM_GSPLAT\}", run.stdout, re.M)


def test_the_script_reports_a_missing_compiler(tmp_path):
    bash = shutil.which("bash")
    assert bash is not None
    run = subprocess.run(
        [bash, str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": str(tmp_path)},
        check=False,
    )
    assert run.returncode == MISSING_TOOL, run.stdout + run.stderr
    assert "mcs not found" in run.stderr


def linker_config(tmp_path: Path) -> ET.Element:
    """Runs the Editor assembly's LinkXml.Text() under Mono and parses what it returns."""
    main = tmp_path / "Main.cs"
    main.write_text(
        "class Program { static void Main() {"
        " System.Console.Write(WorldStream.Editor.LinkXml.Text()); } }"
    )
    exe = tmp_path / "linkxml.exe"
    build = subprocess.run(
        ["mcs", "-nologo", "-out:" + str(exe), str(PACKAGE / "Editor" / "LinkXml.cs"), str(main)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout
    run = subprocess.run(["mono", str(exe)], capture_output=True, text=True, check=True)
    return ET.fromstring(run.stdout)


@needs_mcs
@pytest.mark.skipif(shutil.which("mono") is None, reason="mono not installed")
def test_the_linker_config_keeps_every_assembly_the_runtime_needs_by_its_real_name(tmp_path):
    root = linker_config(tmp_path)
    preserved = {a.get("fullname"): a.attrib for a in root.iter("assembly")}
    runtime = package_asmdefs(PACKAGE)["WorldStream.Runtime"]
    needed = {"WorldStream.Runtime", "WorldStream.Core"}
    needed |= {r for r in runtime["references"] if r != "Gsplat"}
    needed |= {d.removesuffix(".dll") for d in runtime["precompiledReferences"]}
    assert set(preserved) == needed
    assert all(a["preserve"] == "all" for a in preserved.values())
    # Each is a reference of the Runtime, so none may be missing from a build: no ignoreIfMissing.
    assert all("ignoreIfMissing" not in a for a in preserved.values())
    own = set(package_asmdefs(PACKAGE))
    assert all(n in own or n in KNOWN_ASSEMBLIES or n + ".dll" in KNOWN_DLLS for n in preserved)


def test_no_link_xml_is_shipped_where_unity_would_not_read_it():
    # Unity's AssemblyStripper reads link.xml only under Assets/ (UnityCsReference 2021.3,
    # Editor/Mono/BuildPipeline/AssemblyStripper.cs GetUserBlacklistFiles); the Editor assembly's
    # IUnityLinkerProcessor delivers the configuration instead.
    assert not list(PACKAGE.rglob("link.xml"))
    processor = (PACKAGE / "Editor" / "WorldStreamLinkerProcessor.cs").read_text()
    assert ": IUnityLinkerProcessor" in processor and "LinkXml.Text()" in processor
