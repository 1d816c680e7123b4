"""Every entry point and keyword variant of the Unity package's shaders, as compile jobs.

Read from the files themselves: the program blocks of each ShaderLab .shader (CGPROGRAM and
HLSLPROGRAM, with the CGINCLUDE/HLSLINCLUDE blocks Unity adds to them) and each .compute file, with
their #pragma directives. What Unity adds on its own is added here, as Unity 2021.3's manual
describes it: HLSLSupport.cginc and UnityShaderVariables.cginc before every CGPROGRAM
(SL-BuiltinIncludes, shader-shaderlab-code-blocks), the platform, target, version and stage macros
(SL-BuiltinMacros), and one variant per combination of multi_compile/shader_feature keywords
(SL-MultipleProgramVariants).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from shader_check.compile import Job

REPO = Path(__file__).resolve().parents[2]
SHADERS = REPO / "unity_client" / "Runtime" / "Shaders"
STUBS = REPO / "tests" / "shader_stubs" / "unity"
PACKAGE = REPO / "unity_client" / "package.json"

# The graphics APIs compiled for. glslang makes SPIR-V either way; the API macro chooses the
# include files' paths (real cbuffers and half precision on D3D11, HLSLcc's globals on Vulkan).
APIS = {"d3d11": "SHADER_API_D3D11", "vulkan": "SHADER_API_VULKAN"}

STAGE_PRAGMAS = {
    "vertex": ("vert", "SHADER_STAGE_VERTEX"),
    "fragment": ("frag", "SHADER_STAGE_FRAGMENT"),
    "geometry": ("geom", "SHADER_STAGE_GEOMETRY"),
    "hull": ("tesc", "SHADER_STAGE_HULL"),
    "domain": ("tese", "SHADER_STAGE_DOMAIN"),
}
COMPUTE_STAGE = ("comp", "SHADER_STAGE_COMPUTE")

# Unity compiles graphics shaders for target 2.5 unless a #pragma target says otherwise, 4.0 with a
# geometry stage and 4.6 with tessellation (SL-ShaderCompileTargets). Compute needs 4.5 (its
# "compute" requirement first appears there, SL-Pragma-target); what Unity itself defines
# SHADER_TARGET to in a .compute file is not documented, so 4.5 is assumed.
DEFAULT_TARGET = 25
STAGE_TARGETS = {"geometry": 40, "hull": 46, "domain": 46}
COMPUTE_TARGET = 45

# Keyword shortcuts Unity expands itself (SL-MultipleProgramVariants, "Built-in keyword sets").
# Others are refused rather than guessed.
SHORTCUTS = {
    "multi_compile_instancing": [[None, "INSTANCING_ON"]],
    "multi_compile_fog": [[None, "FOG_LINEAR", "FOG_EXP", "FOG_EXP2"]],
}

_DIRECTIVE = re.compile(
    r"^(multi_compile|shader_feature)(_local)?(?:_(vertex|fragment|geometry|hull|domain))?$"
)
_BLOCK = re.compile(
    r"^[ \t]*(CGPROGRAM|HLSLPROGRAM|CGINCLUDE|HLSLINCLUDE)\b(.*?)^[ \t]*(ENDCG|ENDHLSL)\b",
    re.MULTILINE | re.DOTALL,
)
_PRAGMA = re.compile(r"^[ \t]*#[ \t]*pragma[ \t]+(\w+)(.*)$", re.MULTILINE)


class UnsupportedShader(Exception):
    """A directive this check cannot model; reported as a failure, never skipped."""


@dataclass(frozen=True)
class KeywordSet:
    options: tuple[str | None, ...]  # None: every keyword of the set off
    stage: str | None = None  # a stage-specific set (multi_compile_vertex...) applies to that stage


@dataclass
class Program:
    """One program block of a .shader, or a whole .compute file."""

    path: Path
    index: int
    kind: str  # "CG", "HLSL" or "compute"
    text: str  # what glslang compiles: include blocks and the program, with #line markers
    entries: list[tuple[str, str, str]] = field(default_factory=list)  # (pragma, stage, entry)
    kernel_defines: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    keyword_sets: list[KeywordSet] = field(default_factory=list)
    target: int = DEFAULT_TARGET
    apis: tuple[str, ...] = tuple(APIS)

    @property
    def name(self) -> str:
        relative = self.path.relative_to(REPO) if self.path.is_relative_to(REPO) else self.path
        return str(relative) if self.kind == "compute" else f"{relative} program {self.index}"


def unity_version(package: Path = PACKAGE) -> int:
    """UNITY_VERSION for the package's minimum editor: "2021.3" -> 202130 (SL-BuiltinMacros)."""
    major, minor = json.loads(package.read_text())["unity"].split(".")[:2]
    return int(major) * 100 + int(minor) * 10


def strip_comments(text: str) -> str:
    """Comments blanked, newlines kept, so commented-out pragmas are not read as pragmas."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    # Blanked, not removed: offsets into the result are offsets into the original.
    return re.sub(r"/\*.*?\*/|//[^\n]*", blank, text, flags=re.S)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse_pragmas(program: Program, code: str) -> None:
    """Fills the program's entries, keyword sets, target and APIs from its #pragma lines."""
    raw = {m.start(): m for m in _PRAGMA.finditer(code)}
    required = 0
    for match in _PRAGMA.finditer(strip_comments(code)):
        directive, args = match.group(1), match.group(2).split()
        if directive in STAGE_PRAGMAS and args:
            stage = STAGE_PRAGMAS[directive][0]
            program.entries.append((directive, stage, args[0]))
            required = max(required, STAGE_TARGETS.get(directive, 0))
        elif directive == "kernel" and args:
            original = raw.get(match.start())
            if original is not None and "//" in original.group(2):
                # Unity 2021.3 manual, class-ComputeShader: a // comment on a #pragma kernel line
                # is a compilation error.
                raise UnsupportedShader(
                    f"{program.path.name}: a // comment on '#pragma kernel {args[0]}' line "
                    "fails Unity's compute shader compiler"
                )
            program.entries.append(("kernel", COMPUTE_STAGE[0], args[0]))
            defines = tuple(
                (d.split("=", 1)[0], d.split("=", 1)[1] if "=" in d else "1") for d in args[1:]
            )
            program.kernel_defines[args[0]] = defines
        elif directive == "target" and args:
            major, _, minor = args[0].partition(".")
            program.target = int(major) * 10 + int(minor or 0)
        elif directive == "only_renderers":
            program.apis = tuple(api for api in program.apis if api in args)
        elif directive == "exclude_renderers":
            program.apis = tuple(api for api in program.apis if api not in args)
        elif directive.startswith(("multi_compile", "shader_feature", "dynamic_branch")):
            program.keyword_sets.extend(keyword_sets(directive, args))
    program.target = max(program.target, required)
    skipped = set()
    for match in _PRAGMA.finditer(strip_comments(code)):
        if match.group(1) == "skip_variants":
            skipped.update(match.group(2).split())
    if skipped:
        program.keyword_sets = [
            KeywordSet(tuple(dict.fromkeys(o for o in s.options if o not in skipped)), s.stage)
            for s in program.keyword_sets
        ]


def keyword_sets(directive: str, args: list[str]) -> list[KeywordSet]:
    if directive in SHORTCUTS:
        return [KeywordSet(tuple(options)) for options in SHORTCUTS[directive]]
    match = _DIRECTIVE.match(directive)
    if match is None:
        raise UnsupportedShader(f"#pragma {directive}: this check does not know its keywords")
    kind, _local, stage = match.groups()
    # A name of underscores only is the "all off" option.
    options: list[str | None] = [None if set(a) == {"_"} else a for a in args]
    if kind == "shader_feature" and len(options) == 1:
        # One keyword: shader_feature also makes the variant with it off, multi_compile does not.
        options = [None, *options]
    stage_name = STAGE_PRAGMAS[stage][0] if stage else None
    return [KeywordSet(tuple(dict.fromkeys(options)), stage_name)]


def programs_in_shaderlab(path: Path) -> list[Program]:
    source = path.read_text()
    blocks = list(_BLOCK.finditer(source))
    shared = {"CG": [], "HLSL": []}
    for block in blocks:
        if block.group(1).endswith("INCLUDE"):
            shared[block.group(1).removesuffix("INCLUDE")].append(block)
    programs = []
    for index, block in enumerate(b for b in blocks if b.group(1).endswith("PROGRAM")):
        kind = block.group(1).removesuffix("PROGRAM")
        parts = []
        if kind == "CG":
            parts.append('#include "HLSLSupport.cginc"\n#include "UnityShaderVariables.cginc"\n')
        for piece in [*shared[kind], block]:
            parts.append(
                f'#line {_line_of(source, piece.start(2))} "{path.name}"\n{piece.group(2)}\n'
            )
        text = "".join(parts)
        program = Program(path, index, kind, text)
        parse_pragmas(program, "".join(p.group(2) for p in [*shared[kind], block]))
        programs.append(program)
    return programs


def program_in_compute(path: Path) -> Program:
    source = path.read_text()
    program = Program(path, 0, "compute", f'#line 1 "{path.name}"\n{source}')
    program.target = COMPUTE_TARGET
    parse_pragmas(program, source)
    return program


def discover(root: Path = SHADERS) -> list[Program]:
    found = []
    for path in sorted(root.rglob("*.shader")):
        found.extend(programs_in_shaderlab(path))
    for path in sorted(root.rglob("*.compute")):
        found.append(program_in_compute(path))
    return found


def variants(program: Program, stage: str) -> list[tuple[str, ...]]:
    """Every combination of the keyword sets that apply to the stage; () when there are none."""
    sets = [s.options for s in program.keyword_sets if s.stage in (None, stage)]
    return [tuple(k for k in combo if k) for combo in itertools.product(*sets)]


def jobs(program: Program, scratch: Path, version: int | None = None) -> list[Job]:
    """One job per entry point, API and keyword variant; the program text goes under scratch."""
    version = unity_version() if version is None else version
    scratch.mkdir(parents=True, exist_ok=True)
    source = scratch / f"{program.path.stem}.{program.index}.{program.kind}.hlsl"
    source.write_text(program.text)
    made = []
    for pragma, stage, entry in program.entries:
        stage_macro = COMPUTE_STAGE[1] if pragma == "kernel" else STAGE_PRAGMAS[pragma][1]
        for api in program.apis:
            for keywords in variants(program, stage):
                defines = [
                    (APIS[api], "1"),
                    ("SHADER_API_DESKTOP", "1"),
                    ("SHADER_TARGET", str(program.target)),
                    ("UNITY_VERSION", str(version)),
                    (stage_macro, "1"),
                    *((k, "1") for k in keywords),
                    *(program.kernel_defines.get(entry, ()) if pragma == "kernel" else ()),
                ]
                shown = " ".join(keywords) or "_"
                label = f"{program.name} {pragma} {entry} [{api}] keywords: {shown}"
                made.append(
                    Job(
                        label=label,
                        source=source,
                        stage=stage,
                        entry=entry,
                        defines=tuple(defines),
                        # Unity resolves a relative #include from the shader's own folder.
                        include_dirs=(program.path.parent, STUBS),
                    )
                )
    return made
