"""The Unity package's engine-free core (unity_client/Runtime/Core) compiled under Mono with one
of the scene programs in unity_client/Tests/Gpu~, which write what the renderer would upload
(SceneFiles.cs) for the tests that run the package's shaders on lavapipe."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "unity_client"
GPU_TESTS = PACKAGE / "Tests" / "Gpu~"
# Compiled into every scene program: the files' writer and the seeded scenes of the core tests.
SHARED_SOURCES = (
    GPU_TESTS / "SceneFiles.cs",
    PACKAGE / "Tests" / "Editor" / "Cases" / "SplatScenes.cs",
)


def missing_mono() -> str | None:
    """Why no scene program can be built and run here, or None."""
    for tool in ("mcs", "mono"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: mono-devel)"
    return None


def build_scene_program(out: Path, program: str) -> Path:
    """Compiles the core into `out`, then GPU_TESTS/`program`.cs against it; the .exe's path."""
    core = out / "WorldStream.Core.dll"
    exe = out / f"{program}.exe"
    core_sources = sorted(str(p) for p in (PACKAGE / "Runtime" / "Core").glob("*.cs"))
    sources = [GPU_TESTS / f"{program}.cs", *SHARED_SOURCES]
    for args in (
        ["-target:library", f"-out:{core}", *core_sources],
        ["-target:exe", f"-out:{exe}", f"-r:{core}", *map(str, sources)],
    ):
        compiled = subprocess.run(
            ["mcs", "-langversion:7.2", "-nologo", *args],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    return exe
