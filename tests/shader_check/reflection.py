"""The globals a compiled entry point reads, from glslangValidator's reflection dump (-q).

glslang reflects only what the entry point's call tree uses, as an engine's shader compiler
reports only the parameters that survive dead-code elimination.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# OpenGL type enums as glslang's reflection prints them (hexadecimal), and their sizes in bytes.
GL_TYPE_SIZES = {
    "1404": ("int", 4),
    "1405": ("uint", 4),
    "1406": ("float", 4),
    "8b50": ("float2", 8),
    "8b51": ("float3", 12),
    "8b52": ("float4", 16),
    "8b53": ("int2", 8),
    "8b54": ("int3", 12),
    "8b55": ("int4", 16),
    "8b5a": ("float2x2", 32),
    "8b5b": ("float3x3", 48),
    "8b5c": ("float4x4", 64),
    "8dc6": ("uint2", 8),
    "8dc7": ("uint3", 12),
    "8dc8": ("uint4", 16),
}

_SECTION = re.compile(r"^(Uniform|Uniform block|Buffer variable|Buffer block) reflection:$")
_ENTRY = re.compile(r"^(?P<name>[^:]+): offset (?P<offset>-?\d+), type (?P<type>[0-9a-f]+), ")


@dataclass(frozen=True)
class Variable:
    """One reflected global: a loose constant, a resource, or a block of constants."""

    name: str
    gl_type: str
    offset: int

    @property
    def hlsl_type(self) -> str | None:
        known = GL_TYPE_SIZES.get(self.gl_type)
        return known[0] if known else None


def parse(dump: str) -> dict[str, list[Variable]]:
    """Section title -> reflected entries, for the four sections that name globals."""
    sections: dict[str, list[Variable]] = {}
    current: str | None = None
    for line in dump.splitlines():
        heading = _SECTION.match(line.strip())
        if heading:
            current = heading.group(1)
            sections[current] = []
            continue
        if not line.strip() or line.rstrip().endswith("reflection:"):
            current = None
            continue
        entry = _ENTRY.match(line.strip())
        if current and entry:
            sections[current].append(Variable(entry["name"], entry["type"], int(entry["offset"])))
    return sections


def used_globals(dump: str) -> dict[str, Variable | None]:
    """Top-level name -> its loose-constant reflection (None for a resource or block).

    A member of a structured buffer is reflected as "Buffer.@data.Member"; the buffer's own name is
    what the engine binds. glslang gathers loose globals into the block "$Global", which is no
    engine parameter.
    """
    sections = parse(dump)
    used: dict[str, Variable | None] = {}
    for block in sections.get("Uniform block", []) + sections.get("Buffer block", []):
        if block.name != "$Global":
            used[block.name] = None
    for variable in sections.get("Uniform", []) + sections.get("Buffer variable", []):
        top = variable.name.split(".", 1)[0].split("[", 1)[0]
        if "." in variable.name or top in used:
            used.setdefault(top, None)
        else:
            used[top] = variable
    return used
