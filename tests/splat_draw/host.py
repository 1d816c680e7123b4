"""tests/vulkan_host/draw_host.c: built with the system C compiler, fed plans, run on lavapipe."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from splat_draw.stages import Stage

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "tests" / "vulkan_host" / "draw_host.c"
ICD_DIR = Path("/usr/share/vulkan/icd.d")


def compiler() -> str | None:
    return shutil.which("cc") or shutil.which("gcc")


def lavapipe_icd() -> Path | None:
    icds = sorted(ICD_DIR.glob("lvp_icd*.json"))
    return icds[0] if icds else None


def missing_tools() -> str | None:
    """Why the draw host cannot run here, or None."""
    if compiler() is None:
        return "no C compiler (cc)"
    for tool, package in (("glslangValidator", "glslang-tools"), ("spirv-dis", "spirv-tools")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: {package})"
    if lavapipe_icd() is None or not Path("/usr/include/vulkan/vulkan.h").exists():
        return "no lavapipe or Vulkan headers (Debian: mesa-vulkan-drivers libvulkan-dev)"
    return None


def build(out: Path) -> Path:
    """Compiles the host into `out`; skips the test when libvulkan is not there to link."""
    host = out / "draw_host"
    run = subprocess.run(
        [compiler() or "cc", "-std=c11", "-O2", "-o", str(host), str(SOURCE), "-lvulkan"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if run.returncode != 0 and "lvulkan" in run.stderr:
        pytest.skip("libvulkan is missing (Debian: libvulkan-dev)")
    assert run.returncode == 0, run.stderr
    return host


def run(host: Path, plan: Path) -> None:
    """Runs one plan on lavapipe; skips when no Vulkan device comes up."""
    env = {**os.environ, "VK_ICD_FILENAMES": str(lavapipe_icd())}
    done = subprocess.run(
        [str(host), str(plan)], capture_output=True, text=True, env=env, timeout=240, check=False
    )
    if done.returncode == 3:
        pytest.skip("no Vulkan device: " + done.stderr.strip())
    assert done.returncode == 0, done.stderr


@dataclass
class Plan:
    """A draw_host plan, written line by line."""

    lines: list[str] = field(default_factory=list)

    def buffer(self, name: str, size: int, source: Path | None = None) -> None:
        self.lines.append(f"buffer {name} {size}" + (f" {source}" if source else ""))

    def target(self, width: int, height: int, fmt: str, clear=(0.0, 0.0, 0.0, 0.0)) -> None:
        colour = " ".join(repr(float(c)) for c in clear)
        self.lines.append(f"target {width} {height} {fmt} {colour}")

    def image(self, name: str, fmt: str, clear=(0.0, 0.0, 0.0, 0.0)) -> None:
        """Another colour image of the target's size, to draw into and read as a texture."""
        colour = " ".join(repr(float(c)) for c in clear)
        self.lines.append(f"image {name} {fmt} {colour}")

    def depth(self, clear: float) -> None:
        self.lines.append(f"depth {float(clear)!r}")

    def _bind(self, stage: Stage, uniforms: dict[str, bytes], buffers: dict[str, str]) -> None:
        if stage.uniform_binding >= 0:
            hexed = stage.uniform_block(uniforms).hex()
            self.lines.append(f"uniform {stage.descriptor_set} {stage.uniform_binding} {hexed}")
        for kind, resources in (
            ("storage", stage.storage),
            ("texel", stage.storage_texel),
            ("sampled", stage.uniform_texel),
            ("texture", stage.textures),
        ):
            for name, binding in resources.items():
                self.lines.append(f"{kind} {stage.descriptor_set} {binding} {buffers[name]}")

    def dispatch(
        self,
        stage: Stage,
        groups: tuple[int, int, int],
        uniforms: dict[str, bytes],
        buffers: dict[str, str],
    ) -> None:
        self.lines.append(f"dispatch {stage.spirv} {stage.entry} {' '.join(map(str, groups))}")
        self._bind(stage, uniforms, buffers)
        self.lines.append("end")

    def draw(
        self,
        vertex: Stage,
        fragment: Stage,
        count: tuple[int, int] | str,  # (vertices, instances), or the buffer of indirect arguments
        uniforms: dict[str, bytes],
        buffers: dict[str, str],
        state: list[str],
        into: str | None = None,
    ) -> None:
        """`buffers` names a buffer, or a colour image for a texture, for each resource; the
        draw goes into the colour image `into` (the target when None)."""
        how = f"indirect {count}" if isinstance(count, str) else f"{count[0]} {count[1]}"
        self.lines.append(
            f"draw {vertex.spirv} {vertex.entry} {fragment.spirv} {fragment.entry} {how}"
        )
        self._bind(vertex, uniforms, buffers)
        self._bind(fragment, uniforms, buffers)
        self.lines.extend(state)
        if into is not None:
            self.lines.append(f"into {into}")
        self.lines.append("end")

    def dump(self, name: str, path: Path) -> None:
        self.lines.append(f"dump {name} {path}")

    def dump_target(self, path: Path) -> None:
        self.lines.append(f"dumptarget {path}")

    def dump_image(self, name: str, path: Path) -> None:
        self.lines.append(f"dumpimage {name} {path}")

    def dump_depth(self, path: Path) -> None:
        self.lines.append(f"dumpdepth {path}")

    def write(self, path: Path) -> Path:
        path.write_text("\n".join(self.lines) + "\n")
        return path
