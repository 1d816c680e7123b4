"""The plugin's module rules (*.Build.cs), compiled with Mono against the UnrealBuildTool
stand-in and run against fake UE 5.3, 5.4 and 5.5 trees for Win64, Linux and Mac targets.

UnrealBuildTool itself is not here; the stand-in (unreal_client/Tests/UbtStandIn) copies the
members rules can use from UBT's sources, and RulesRunner creates each rules object the way
UBT's RulesAssembly does. These tests check that every rules file compiles, that the control
cases UBT would reject are rejected, and what each constructor adds: the libraries, include
paths and module names, all of which must exist in the engine or the plugin.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ubt_standin import PLUGIN, StandIn, build_stand_in, mono_tools, rules_files
from unreal_engine_trees import ENGINE_MODULES, LAYOUTS, make_engine

pytestmark = pytest.mark.skipif(mono_tools() is None, reason="needs Mono (mcs and mono)")

PLATFORMS = ("Win64", "Linux", "Mac")
TARGETS = (("Editor", "Development"), ("Game", "Development"), ("Game", "Shipping"))
GRPC = "Source/ThirdParty/WorldStreamGrpc"

# What build_thirdparty.sh leaves in lib/<Platform>: the core, gRPC, protobuf and two of
# abseil's many libraries (names as gRPC 1.51's CMake writes them on each platform).
PREBUILT = {
    "Win64": [
        *("worldstream_core.lib", "grpc++.lib", "grpc.lib", "gpr.lib", "libprotobuf.lib"),
        *("absl_base.lib", "upb.lib"),
    ],
    "Linux": [
        *("libworldstream_core.a", "libgrpc++.a", "libgrpc.a", "libgpr.a", "libprotobuf.a"),
        *("libabsl_base.a", "libupb.a"),
    ],
}
PREBUILT["Mac"] = PREBUILT["Linux"]


def fake_plugin(root: Path, libraries: dict[str, list[str]]) -> Path:
    """The plugin's descriptor and rules files under root, with `libraries` as the prebuilt
    lib/<Platform> of its ThirdParty module (and a stray file each, which must be ignored)."""
    plugin = root / "WorldStream"
    for rules in rules_files():
        target = plugin / rules.relative_to(PLUGIN)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(rules, target)
    shutil.copy(PLUGIN / "WorldStream.uplugin", plugin)
    header = plugin / GRPC / "include" / "worldstream" / "client.h"
    header.parent.mkdir(parents=True)
    header.touch()
    for platform, names in libraries.items():
        lib = plugin / GRPC / "lib" / platform
        lib.mkdir(parents=True)
        for name in [*names, "README.txt"]:
            (lib / name).touch()
    return plugin


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> StandIn:
    return build_stand_in(tmp_path_factory.mktemp("ubt"))


@pytest.fixture(scope="module")
def rules(stand_in: StandIn) -> Path:
    result = stand_in.compile_rules(rules_files())
    assert result.returncode == 0, result.stdout + result.stderr
    return stand_in.directory / "Rules.dll"


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("engines")
    return {name: make_engine(root / name, layout) for name, layout in LAYOUTS.items()}


def targets(engines: dict[str, Path], plugin: Path) -> list[tuple[str, ...]]:
    return [
        (str(engines[v]), ".".join(map(str, LAYOUTS[v].version)), p, config, kind, str(plugin))
        for v in sorted(engines)
        for p in PLATFORMS
        for kind, config in TARGETS
    ]


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fake_plugin(tmp_path_factory.mktemp("plugin"), PREBUILT)


@pytest.fixture(scope="module")
def records(
    stand_in: StandIn, rules: Path, engines: dict[str, Path], plugin: Path
) -> list[dict[str, Any]]:
    return stand_in.run(rules, targets(engines, plugin))


def of(records: list[dict[str, Any]], module: str) -> Iterator[dict[str, Any]]:
    found = [r for r in records if r["module"] == module]
    assert len(found) == len(LAYOUTS) * len(PLATFORMS) * len(TARGETS)
    return iter(found)


def test_every_rules_file_compiles_to_a_rules_class_named_after_its_module(
    records: list[dict[str, Any]],
) -> None:
    files = {p.name.removesuffix(".Build.cs") for p in rules_files()}
    assert files == {"WorldStream", "WorldStreamEditor", "WorldStreamGrpc"}
    assert {r["module"] for r in records} == files
    assert not [r for r in records if "no constructor" in r.get("error", "")]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        # The platform is a struct in every UE5, not an enum: no constant to switch on.
        ("switch (Target.Platform) { case UnrealTargetPlatform.Win64: break; }", "CS0151"),
        ('PublicAdditionalLibrary.Add("x.lib");', "CS0103"),
        ("PCHUsage = PCHUsageMode.UseExplicitOrSharedPCH;", "CS0117"),
        ("Type = ModuleType.Extern;", "CS0117"),
    ],
)
def test_rules_that_ubt_would_reject_do_not_compile_against_the_stand_in(
    stand_in: StandIn, tmp_path: Path, body: str, error: str
) -> None:
    source = tmp_path / "Broken.Build.cs"
    source.write_text(
        "using UnrealBuildTool;\n"
        "public class Broken : ModuleRules\n{\n"
        "\tpublic Broken(ReadOnlyTargetRules Target) : base(Target)\n\t{\n"
        f"\t\t{body}\n\t}}\n}}\n"
    )
    result = stand_in.compile_rules([source], name="Broken")
    assert result.returncode != 0
    assert error in result.stdout + result.stderr


def test_the_grpc_module_links_every_prebuilt_library_of_its_platform_and_only_those(
    records: list[dict[str, Any]], plugin: Path
) -> None:
    for record in of(records, "WorldStreamGrpc"):
        assert "error" not in record, record
        platform = record["platform"]
        assert record["Type"] == "External"
        lib = plugin / GRPC / "lib" / platform
        assert sorted(record["PublicAdditionalLibraries"]) == sorted(
            str(lib / name) for name in PREBUILT[platform]
        )
        assert record["PublicSystemIncludePaths"] == [str(plugin / GRPC / "include")]
        # TLS and compression come from the engine's modules, linked once for the whole game.
        assert {"OpenSSL", "zlib"} <= set(record["PrivateDependencyModuleNames"])
        system = set(record["PublicSystemLibraries"])
        if platform == "Win64":
            assert {"ws2_32.lib", "crypt32.lib", "iphlpapi.lib", "bcrypt.lib"} <= system
        elif platform == "Mac":
            assert "CoreFoundation" in record["PublicFrameworks"] and "resolv" in system
        else:
            assert {"pthread", "dl", "rt"} <= system


def test_the_grpc_module_without_libraries_for_a_platform_stops_naming_the_script(
    stand_in: StandIn, rules: Path, engines: dict[str, Path], tmp_path: Path
) -> None:
    plugin = fake_plugin(tmp_path, {"Linux": PREBUILT["Linux"]})
    found = stand_in.run(rules, targets(engines, plugin))
    for record in of(found, "WorldStreamGrpc"):
        if record["platform"] == "Linux":
            assert "error" not in record, record
            continue
        assert record["error_type"] == "BuildException"
        assert f"no prebuilt libraries for {record['platform']}" in record["error"]
        assert "build_thirdparty.sh" in record["error"]


def test_a_partial_library_copy_stops_the_grpc_module_naming_what_is_missing(
    stand_in: StandIn, rules: Path, engines: dict[str, Path], tmp_path: Path
) -> None:
    only_abseil = {p: [n for n in names if "absl" in n] for p, names in PREBUILT.items()}
    plugin = fake_plugin(tmp_path, only_abseil)
    for record in of(stand_in.run(rules, targets(engines, plugin)), "WorldStreamGrpc"):
        assert record["error_type"] == "BuildException"
        assert "lacks worldstream_core, grpc++, grpc, gpr, protobuf" in record["error"]


def test_every_module_the_rules_name_exists_in_the_engine_or_the_plugin(
    records: list[dict[str, Any]],
) -> None:
    plugin_modules = {p.name.removesuffix(".Build.cs") for p in rules_files()}
    known = set(ENGINE_MODULES) | plugin_modules
    for record in records:
        assert "error" not in record, record
        for field in (
            "PublicDependencyModuleNames",
            "PrivateDependencyModuleNames",
            "PublicIncludePathModuleNames",
            "PrivateIncludePathModuleNames",
            "DynamicallyLoadedModuleNames",
        ):
            assert set(record[field]) <= known, (record["module"], field)


def test_every_path_the_rules_add_exists_in_each_engine_and_the_plugin(
    records: list[dict[str, Any]],
) -> None:
    for record in records:
        for field in ("PublicIncludePaths", "PrivateIncludePaths", "PublicSystemIncludePaths"):
            for path in record[field]:
                assert Path(path).is_dir(), (record["engine"], record["module"], field, path)
        for path in record["PublicAdditionalLibraries"] + record["RuntimeDependencies"]:
            assert Path(path).is_file(), (record["engine"], record["module"], path)
