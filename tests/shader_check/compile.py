"""One shader entry point through glslangValidator (HLSL to SPIR-V) and spirv-val."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from shader_check import spirv

# Vulkan 1.1 is the oldest environment whose SPIR-V (1.3) carries everything these shaders use
# (structured buffers, atomics on texel buffers, instancing); both engines support it.
TARGET_ENV = "vulkan1.1"


@dataclass(frozen=True)
class Job:
    """One entry point of one permutation: everything the compiler is told."""

    label: str  # names the file, program, entry point and permutation in reports
    source: Path  # the file handed to glslang (a shader's extracted program, or a .usf itself)
    stage: str  # glslang's -S: vert, frag, comp, geom, tesc, tese
    entry: str
    defines: tuple[tuple[str, str], ...] = ()
    include_dirs: tuple[Path, ...] = ()


@dataclass
class Result:
    job: Job
    ok: bool
    stage_failed: str | None  # "glslang", "entry point", "spirv-val"
    message: str
    reflection: str = ""
    warnings: list[str] = field(default_factory=list)

    def report(self) -> str:
        defines = " ".join(f"-D{name}={value}" for name, value in self.job.defines) or "(none)"
        return (
            f"{self.job.label}\n  entry {self.job.entry} ({self.job.stage}), defines {defines}\n"
            f"  failed in {self.stage_failed}:\n    "
            + "\n    ".join(self.message.strip().splitlines())
        )


def command(job: Job, output: Path) -> list[str]:
    args = [
        "glslangValidator",
        "-D",  # the input is HLSL
        "--target-env",
        TARGET_ENV,
        "-S",
        job.stage,
        "-e",
        job.entry,
        # Every resource gets its own binding instead of all sharing binding 0.
        "--auto-map-bindings",
        "-q",  # reflection: which globals the entry point reads
        "-o",
        str(output),
    ]
    args += [f"-D{name}={value}" for name, value in job.defines]
    args += [f"-I{directory}" for directory in job.include_dirs]
    args.append(str(job.source))
    return args


def compile_job(job: Job) -> Result:
    with tempfile.TemporaryDirectory(prefix="shader_check_") as scratch:
        output = Path(scratch) / "out.spv"
        run = subprocess.run(command(job, output), capture_output=True, text=True, check=False)
        text = run.stdout + run.stderr
        lines = [line for line in text.splitlines() if line.strip() != str(job.source)]
        warnings = [line for line in lines if line.startswith("WARNING")]
        # Without -q, glslang 12 compiles an absent entry point into an empty function, exits 0
        # and only warns (spirv-val accepts that module); with it, linking fails. Either way the
        # warning names the failure.
        missing = [w for w in warnings if "Entry point not found" in w]
        if missing:
            return Result(job, False, "entry point", "\n".join(missing), warnings=warnings)
        if run.returncode != 0 or not output.exists():
            errors = [line for line in lines if "ERROR" in line or "error" in line] or lines
            return Result(job, False, "glslang", "\n".join(errors))
        declared = spirv.entry_points(output.read_bytes())
        wanted = (spirv.EXECUTION_MODELS[job.stage], job.entry)
        if declared != [wanted]:
            return Result(
                job, False, "entry point", f"module declares {declared}, expected [{wanted}]"
            )
        invalid = validate(output)
        if invalid is not None:
            return Result(job, False, "spirv-val", invalid, warnings=warnings)
        return Result(job, True, None, "", reflection=text, warnings=warnings)


def validate(module: Path) -> str | None:
    """spirv-val's complaint about a SPIR-V module, or None when it is valid."""
    val = subprocess.run(
        ["spirv-val", "--target-env", TARGET_ENV, str(module)],
        capture_output=True,
        text=True,
        check=False,
    )
    return None if val.returncode == 0 else (val.stdout + val.stderr).strip() or "invalid"
