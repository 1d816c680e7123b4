"""Lint of the Unreal plugin's descriptor (WorldStream.uplugin) against what the engine checks
when it loads it, and of the shader directory the runtime module maps.

The rules, and where each comes from (UE 5.5.1 as mirrored in lakeone/UE5.51MagicM):
- module Type and LoadingPhase are names of ModuleHostType and ModuleLoadingPhase
  (UnrealBuildTool/System/ModuleDescriptor.cs); PlatformAllowList names UnrealTargetPlatform's
  platforms (Configuration/UEBuildTarget.cs);
- every module has Source/<Name>/<Name>.Build.cs, and every C++ module there is declared;
- a module that implements shader types loads at PostConfigInit or earlier: FShaderType's
  constructor checks "Shader type was loaded after engine init, use ELoadingPhase::
  PostConfigInit on your module" (RenderCore/Private/Shader.cpp);
- AddShaderSourceDirectoryMapping's virtual directory starts with "/", has no trailing "/" and
  no ".", its real directory exists and holds no Generated/ (RenderCore/Private/ShaderCore.cpp);
  every shader file a module implements from lies under the mapped directory and exists.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[1] / "unreal_client"

HOST_TYPES = {
    *("Default", "Runtime", "RuntimeNoCommandlet", "RuntimeAndProgram", "CookedOnly"),
    *("UncookedOnly", "Developer", "DeveloperTool", "Editor", "EditorNoCommandlet"),
    *("EditorAndProgram", "Program", "ServerOnly", "ClientOnly", "ClientOnlyNoCommandlet"),
    "External",
}
LOADING_PHASES = {
    *("Default", "PostDefault", "PreDefault", "EarliestPossible", "PostConfigInit"),
    *("PostSplashScreen", "PreEarlyLoadingScreen", "PreLoadingScreen", "PostEngineInit", "None"),
}
PLATFORMS = {"Win64", "Mac", "IOS", "Android", "Linux", "LinuxArm64", "TVOS", "VisionOS"}
EARLY_ENOUGH_FOR_SHADERS = {"EarliestPossible", "PostConfigInit"}
SHADER_TYPE = re.compile(r"\bIMPLEMENT_(?:GLOBAL_SHADER|SHADER_TYPE|VERTEX_FACTORY_TYPE)\s*\(")
SHADER_FILE = re.compile(r'"(/Plugin/[^"]+\.usf)"')
MAPPING = re.compile(
    r'AddShaderSourceDirectoryMapping\s*\(\s*TEXT\("([^"]*)"\)\s*,[^;]*TEXT\("([^"]*)"\)\s*\)'
)
FIND_PLUGIN = re.compile(r'FindPlugin\s*\(\s*TEXT\("([^"]*)"\)')


def sources(module: Path) -> str:
    return "".join(p.read_text() for p in sorted(module.rglob("*")) if p.suffix in (".cpp", ".h"))


def descriptor_problems(plugin: Path) -> list[str]:
    [descriptor_file] = plugin.glob("*.uplugin")
    name = descriptor_file.stem
    descriptor = json.loads(descriptor_file.read_text())
    problems = []
    if descriptor.get("FileVersion") != 3:
        problems.append(f"FileVersion {descriptor.get('FileVersion')}, not 3")
    modules = {m["Name"]: m for m in descriptor.get("Modules", [])}
    if len(modules) != len(descriptor.get("Modules", [])) or not modules:
        problems.append("module names missing or repeated")
    for module_name, module in modules.items():
        if module.get("Type") not in HOST_TYPES:
            problems.append(f"{module_name}: unknown Type {module.get('Type')}")
        if module.get("LoadingPhase", "Default") not in LOADING_PHASES:
            problems.append(f"{module_name}: unknown LoadingPhase {module.get('LoadingPhase')}")
        if "WhitelistPlatforms" in module or "BlacklistPlatforms" in module:
            problems.append(f"{module_name}: deprecated platform list name")
        for platform in module.get("PlatformAllowList", []) + module.get("PlatformDenyList", []):
            if platform not in PLATFORMS:
                problems.append(f"{module_name}: unknown platform {platform}")
        if not (plugin / "Source" / module_name / f"{module_name}.Build.cs").is_file():
            problems.append(f"{module_name}: no Source/{module_name}/{module_name}.Build.cs")

    return problems + source_problems(plugin, name, modules)


def source_problems(plugin: Path, name: str, modules: dict[str, dict]) -> list[str]:
    """What the modules' rules and C++ sources must agree on with the descriptor."""
    problems = []
    for rules in (plugin / "Source").rglob("*.Build.cs"):
        module_name = rules.name.removesuffix(".Build.cs")
        external = "ModuleType.External" in rules.read_text()
        if not external and module_name not in modules:
            problems.append(f"{module_name}: C++ module not declared in {name}.uplugin")
        if module_name not in modules:
            continue
        text = sources(rules.parent)
        phase = modules[module_name].get("LoadingPhase", "Default")
        if SHADER_TYPE.search(text) and phase not in EARLY_ENOUGH_FOR_SHADERS:
            problems.append(f"{module_name}: implements shader types but loads at {phase}")
        for plugin_name in FIND_PLUGIN.findall(text):
            if plugin_name != name:
                problems.append(f"{module_name}: FindPlugin({plugin_name}), the plugin is {name}")
        for virtual, real in MAPPING.findall(text):
            if not virtual.startswith("/") or virtual.endswith("/") or "." in virtual:
                problems.append(f"{module_name}: virtual shader directory {virtual!r}")
            if virtual != f"/Plugin/{name}":
                problems.append(f"{module_name}: maps {virtual}, not /Plugin/{name}")
            if not (plugin / real).is_dir() or (plugin / real / "Generated").exists():
                problems.append(
                    f"{module_name}: shader directory {real!r} missing or has Generated/"
                )
            for shader in SHADER_FILE.findall(text):
                if not shader.startswith(virtual + "/"):
                    problems.append(f"{module_name}: {shader} is outside {virtual}")
                elif not (plugin / real / shader.removeprefix(virtual + "/")).is_file():
                    problems.append(f"{module_name}: {shader} does not exist")
        if SHADER_FILE.search(text) and not MAPPING.search(text):
            problems.append(f"{module_name}: uses plugin shaders but maps no shader directory")
    return problems


def test_the_plugin_descriptor_and_shader_mapping_pass_the_engines_checks() -> None:
    assert descriptor_problems(PLUGIN) == []
    # The lint saw what it is about: a shader-implementing module and its mapping.
    runtime = sources(PLUGIN / "Source" / "WorldStream")
    assert SHADER_TYPE.search(runtime) and MAPPING.search(runtime) and SHADER_FILE.search(runtime)


def copy_plugin(tmp_path: Path) -> Path:
    copy = tmp_path / "WorldStream"
    shutil.copytree(PLUGIN / "Source", copy / "Source", ignore=shutil.ignore_patterns("build*"))
    shutil.copytree(PLUGIN / "Shaders", copy / "Shaders")
    shutil.copy(PLUGIN / "WorldStream.uplugin", copy)
    return copy


def edit_descriptor(plugin: Path, module: str, **fields: object) -> None:
    path = plugin / "WorldStream.uplugin"
    descriptor = json.loads(path.read_text())
    for entry in descriptor["Modules"]:
        if entry["Name"] == module:
            entry.update(fields)
    path.write_text(json.dumps(descriptor))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"LoadingPhase": "Default"}, "WorldStream: implements shader types but loads at Default"),
        ({"LoadingPhase": "PostConfigInt"}, "WorldStream: unknown LoadingPhase PostConfigInt"),
        ({"Type": "RunTime"}, "WorldStream: unknown Type RunTime"),
        ({"PlatformAllowList": ["Win32"]}, "WorldStream: unknown platform Win32"),
        ({"Name": "WorldStreamRuntime"}, "WorldStreamRuntime: no Source/WorldStreamRuntime"),
    ],
)
def test_a_broken_descriptor_is_reported(tmp_path: Path, change: dict, problem: str) -> None:
    plugin = copy_plugin(tmp_path)
    edit_descriptor(plugin, "WorldStream", **change)
    assert any(p.startswith(problem) for p in descriptor_problems(plugin)), problem


def test_a_missing_shader_file_or_directory_is_reported(tmp_path: Path) -> None:
    plugin = copy_plugin(tmp_path)
    [usf] = (plugin / "Shaders" / "Private").glob("*.usf")
    usf.rename(usf.with_suffix(".txt"))
    assert any("does not exist" in p for p in descriptor_problems(plugin))
    (plugin / "Shaders" / "Generated").mkdir()
    assert any("missing or has Generated/" in p for p in descriptor_problems(plugin))
