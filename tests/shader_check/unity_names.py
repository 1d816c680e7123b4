"""Whether the Unity package's C# and its shaders name the same things.

Unity joins them by strings only: Shader.Find takes the ShaderLab name, ComputeShader.FindKernel a
#pragma kernel name, and Shader.PropertyToID / Material.SetX / ComputeShader.SetX the name of a
shader global. A misspelt global is no error in Unity: the material keeps the property's default
(zero) and the shader draws wrong, silently.
"""

from __future__ import annotations

import re
from pathlib import Path

from shader_check.reflection import used_globals
from shader_check.unity import REPO, STUBS, Program, strip_comments

RUNTIME = REPO / "unity_client" / "Runtime"

_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_SHADER_NAME = re.compile(r'^\s*Shader\s+"([^"]+)"', re.MULTILINE)
_PROPERTIES = re.compile(r"\bProperties\s*\{(.*?)\n\s*\}", re.S)
_PROPERTY = re.compile(r"^\s*(?:\[[^\]]*\]\s*)*(\w+)\s*\(", re.MULTILINE)
_FIND = re.compile(r"\bShader\.Find\(\s*\"([^\"]+)\"\s*\)")
_KERNEL = re.compile(r"\.FindKernel\(\s*\"([^\"]+)\"\s*\)")
_LOAD = re.compile(r"\bResources\.Load<\s*(Shader|ComputeShader)\s*>\(\s*\"([^\"]+)\"\s*\)")
# Unity's extensions for the asset types Resources.Load is asked for here.
_LOADED_EXTENSIONS = {"Shader": ".shader", "ComputeShader": ".compute"}
_STUB_DECLARATION = re.compile(
    r"\b(?:CBUFFER_START\(\s*(\w+)\s*\)|(?:static\s+)?(?:float|int|uint|fixed|half)\w*\s+(\w+)\s*[;\[=])"
)


def csharp(root: Path = RUNTIME) -> dict[Path, str]:
    return {path: strip_comments(path.read_text()) for path in sorted(root.rglob("*.cs"))}


def string_literals(code: dict[Path, str]) -> set[str]:
    return {literal for text in code.values() for literal in _STRING.findall(text)}


def stand_in_names(stubs: Path = STUBS) -> set[str]:
    """Globals and constant buffers the stand-ins declare: Unity sets those itself."""
    names = set()
    for path in stubs.glob("*.cginc"):
        for match in _STUB_DECLARATION.finditer(path.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


def shaderlab_names(paths: list[Path]) -> set[str]:
    return {name for path in paths for name in _SHADER_NAME.findall(path.read_text())}


def properties(path: Path) -> set[str]:
    """Names of a ShaderLab Properties block: Unity fills them from the material."""
    if path.suffix != ".shader":
        return set()
    block = _PROPERTIES.search(strip_comments(path.read_text()))
    return set(_PROPERTY.findall(block.group(1))) if block else set()


def unset_globals(program: Program, reflection_dump: str, literals: set[str]) -> list[str]:
    """Globals the entry point reads that neither Unity, the material nor the package's C# sets."""
    known = stand_in_names() | properties(program.path) | literals
    # Unity fills {name}_TexelSize for a texture it sets by name (the manual's "Texture size"
    # in SL-PropertiesInPrograms): set when the texture is.
    known |= {f"{name}_TexelSize" for name in literals}
    return sorted(name for name in used_globals(reflection_dump) if name not in known)


def unknown_lookups(
    code: dict[Path, str], shader_files: list[Path], programs: list[Program]
) -> list[str]:
    """Shader.Find / FindKernel / Resources.Load names in the C# that no shader file declares."""
    shaders = shaderlab_names([p for p in shader_files if p.suffix == ".shader"])
    kernels = {entry for p in programs if p.kind == "compute" for _, _, entry in p.entries}
    # Resources.Load paths are relative to any folder named Resources, without the extension.
    loadable = {
        "/".join(p.parts[p.parts.index("Resources") + 1 :])
        for p in shader_files
        if "Resources" in p.parts
    }
    problems = []
    for path, text in code.items():
        where = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        problems += [
            f'{where}: Shader.Find("{name}"), no shader of that name'
            for name in _FIND.findall(text)
            if name not in shaders
        ]
        problems += [
            f'{where}: FindKernel("{name}"), no #pragma kernel of that name'
            for name in _KERNEL.findall(text)
            if name not in kernels
        ]
        problems += [
            f'{where}: Resources.Load<{kind}>("{name}"), no such file in a Resources folder'
            for kind, name in _LOAD.findall(text)
            if f"{name}{_LOADED_EXTENSIONS[kind]}" not in loadable
        ]
    return problems
