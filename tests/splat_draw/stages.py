"""One shader entry point compiled by glslang for the draw host, with its reflected bindings.

The job (defines, include folders) is the one tests/shader_check builds for tests/test_shaders.py,
so what runs is what is validated there. Each stage of a draw is compiled alone and its
resources are put in a descriptor set of its own (glslang's --resource-set-binding), so that the
vertex and fragment stages' automatically mapped bindings cannot collide.
"""

from __future__ import annotations

import re
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from shader_check.compile import Job, command

# OpenGL type enums in glslang's reflection (hexadecimal) of the texel buffers.
GL_UNSIGNED_INT_IMAGE_BUFFER = "9067"  # RWBuffer<uint>: a storage texel buffer
GL_UNSIGNED_INT_SAMPLER_BUFFER = "8dd8"  # Buffer<uint>: a uniform texel buffer
GL_SAMPLER_2D = "8b5e"  # Texture2D (float4): a sampled image

_ENTRY = re.compile(
    r"^(?P<name>[^:]+): offset (?P<offset>-?\d+), type (?P<type>[0-9a-f]+), size (?P<size>\d+), "
    r"index (?P<index>-?\d+), binding (?P<binding>-?\d+)"
)


@dataclass
class Stage:
    entry: str
    spirv: Path
    descriptor_set: int
    uniform_binding: int = -1  # glslang's "$Global" block of loose constants
    uniform_size: int = 0
    uniforms: dict[str, int] = field(default_factory=dict)  # constant -> offset in $Global
    storage: dict[str, int] = field(default_factory=dict)  # StructuredBuffer -> binding
    storage_texel: dict[str, int] = field(default_factory=dict)
    uniform_texel: dict[str, int] = field(default_factory=dict)
    textures: dict[str, int] = field(default_factory=dict)  # Texture2D -> binding
    matrices_row_major: bool = True  # the SPIR-V decoration of $Global's matrices

    def uniform_block(self, values: dict[str, bytes]) -> bytes:
        """$Global's bytes: each constant the stage reads, from `values` (which may hold more)."""
        block = bytearray(self.uniform_size)
        for name, offset in self.uniforms.items():
            if name not in values:
                raise KeyError(f"{self.entry} reads {name}, and the plan gives no value for it")
            data = values[name]
            block[offset : offset + len(data)] = data
        return bytes(block)

    def matrix(self, hlsl: np.ndarray) -> bytes:
        """The bytes that make the shader see `hlsl` as its float4x4 (hlsl[r][c] is row r,
        column c in HLSL's sense, the one mul() reads).

        glslang models an HLSL matrix's rows as SPIR-V columns, so an HLSL column_major matrix
        (HLSL's default) is decorated RowMajor in SPIR-V: memory holds HLSL's columns one after
        another. The decoration is read from the module rather than assumed."""
        m = np.asarray(hlsl, dtype="<f4")
        return (m.T if self.matrices_row_major else m).tobytes()


def compile_stage(job: Job, out: Path, descriptor_set: int) -> Stage:
    spirv = out / f"{job.entry}.{job.stage}.spv"
    args = command(job, spirv)
    args[1:1] = ["--resource-set-binding", str(descriptor_set)]
    run = subprocess.run(args, capture_output=True, text=True, check=False)
    assert run.returncode == 0 and spirv.exists(), run.stdout + run.stderr
    stage = Stage(job.entry, spirv, descriptor_set)
    section = ""
    loose: list[tuple[str, int, int]] = []  # (name, block index, offset)
    global_index = None
    for line in run.stdout.splitlines():
        if line.endswith("reflection:"):
            section = line
            continue
        m = _ENTRY.match(line.strip())
        if not m:
            continue
        name, binding = m["name"], int(m["binding"])
        if section == "Uniform reflection:":
            if m["type"] == GL_UNSIGNED_INT_IMAGE_BUFFER:
                stage.storage_texel[name] = binding
            elif m["type"] == GL_UNSIGNED_INT_SAMPLER_BUFFER:
                stage.uniform_texel[name] = binding
            elif m["type"] == GL_SAMPLER_2D:
                stage.textures[name] = binding
            elif "." not in name and binding < 0:
                loose.append((name, int(m["index"]), int(m["offset"])))
        elif section == "Uniform block reflection:":
            if name == "$Global":
                stage.uniform_binding = binding
                stage.uniform_size = int(m["size"])
                global_index = int(m["index"])
            else:
                stage.storage[name] = binding
    # A loose constant's index is that of the block holding it.
    stage.uniforms = {name: offset for name, index, offset in loose if index == global_index}
    layouts = set(re.findall(r"OpMemberDecorate %\w+ \d+ (RowMajor|ColMajor)", disassemble(spirv)))
    assert len(layouts) <= 1, f"{job.entry}: matrices of both layouts in one module"
    stage.matrices_row_major = layouts != {"ColMajor"}
    return stage


def disassemble(spirv: Path) -> str:
    return subprocess.run(
        ["spirv-dis", str(spirv)], capture_output=True, text=True, check=True
    ).stdout


def f32(*values: float) -> bytes:
    return struct.pack(f"<{len(values)}f", *values)


def u32(*values: int) -> bytes:
    return struct.pack(f"<{len(values)}I", *values)
