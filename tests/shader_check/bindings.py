"""Whether an Unreal global shader's C++ parameter struct binds what its compiled entry point reads.

Unreal binds a shader's FParameters to its globals by name when the shader map loads
(FShaderParameterBindings::BindForLegacyShaderParameters, RenderCore ShaderParameterStruct.cpp, read
in a public copy of the UE 5 source): a global the shader reads that no member names is reported as
"has unbound parameters not represented in the parameter struct" (a fatal log or an ensure,
depending on the version), and a member whose shader global is bigger than the C++ member is fatal.
This check asks for more than the engine does: the same type for loose constants, and resources
declared as the C++ says (a UAV member on a read-write HLSL resource, an SRV on a read-only one,
the same HLSL type).
"""

from __future__ import annotations

import re
from pathlib import Path

from shader_check.reflection import Variable, used_globals
from shader_check.unreal import GlobalShader, Member, strip_comments

# The HLSL type with each C++ shader parameter type's layout: the types the plugin uses and their
# near relatives. A C++ type not listed is not type-checked.
CPP_TO_HLSL = {
    "float": "float",
    "int32": "int",
    "uint32": "uint",
    "FVector2f": "float2",
    "FVector3f": "float3",
    "FVector4f": "float4",
    "FLinearColor": "float4",
    "FMatrix44f": "float4x4",
    "FIntPoint": "int2",
    "FIntVector": "int3",
    "FIntVector4": "int4",
    "FUintVector2": "uint2",
    "FUintVector3": "uint3",
    "FUintVector4": "uint4",
}

_READ_WRITE = ("RW", "RasterizerOrdered", "AppendStructuredBuffer", "ConsumeStructuredBuffer")


def _normalise(hlsl_type: str) -> str:
    compact = re.sub(r"\s+", "", hlsl_type)
    # A texture declared without a component type holds float4.
    return re.sub(r"^((?:RW)?Texture\w+)<float4>$", r"\1", compact)


def declaration(source: str, name: str) -> str | None:
    """The HLSL type a global named `name` is declared with in the source, if it is there."""
    pattern = re.compile(
        r"(?:^|[;}\n])\s*(?:globallycoherent\s+)?([A-Za-z_]\w*(?:\s*<[^;{}()]*?>)?)\s+"
        + re.escape(name)
        + r"\s*(?::\s*register\([^)]*\)\s*)?;"
    )
    match = pattern.search(strip_comments(source))
    return match.group(1) if match else None


def _resource_problem(member: Member, source: str) -> str | None:
    declared = declaration(source, member.name)
    if declared is None:
        return None  # declared in an included file; the compile itself found it
    writable = declared.startswith(_READ_WRITE)
    if "UAV" in member.macro and not writable:
        return f"{member.name}: {member.macro} in C++, but declared {declared} (read-only) in HLSL"
    if "UAV" not in member.macro and writable:
        return f"{member.name}: {member.macro} in C++, but declared {declared} (read-write) in HLSL"
    names_hlsl_type = "<" in member.cpp_type or member.cpp_type.startswith(("Texture", "Buffer"))
    if names_hlsl_type and _normalise(member.cpp_type) != _normalise(declared):
        return f"{member.name}: {member.cpp_type} in C++, {declared} in HLSL"
    return None


def _constant_problem(member: Member, reflected: Variable) -> str | None:
    expected = CPP_TO_HLSL.get(member.cpp_type)
    if member.macro != "SHADER_PARAMETER" or expected is None or reflected.hlsl_type is None:
        return None
    if expected != reflected.hlsl_type:
        return (
            f"{member.name}: {member.cpp_type} in C++ ({expected}), {reflected.hlsl_type} in HLSL"
        )
    return None


def problems(shader: GlobalShader, reflection_dump: str) -> list[str]:
    """Every mismatch between the class's FParameters and what the entry point reads."""
    if shader.cls.parameters is None:
        return [f"{shader.cls.name} has no FParameters: this check cannot see its bindings"]
    used = used_globals(reflection_dump)
    by_name = {member.name: member for member in shader.cls.parameters}
    source = Path(shader.file).read_text()
    found = [
        f"{name}: read by {shader.entry}, not in {shader.cls.name}::FParameters "
        "(Unreal: 'unbound parameters not represented in the parameter struct')"
        for name in sorted(set(used) - set(by_name))
    ]
    for name, reflected in sorted(used.items()):
        member = by_name.get(name)
        if member is None:
            continue
        if reflected is not None and member.macro == "SHADER_PARAMETER":
            problem = _constant_problem(member, reflected)
        elif member.macro != "SHADER_PARAMETER":
            problem = _resource_problem(member, source)
        else:
            problem = None
        if problem:
            found.append(problem)
    return found
