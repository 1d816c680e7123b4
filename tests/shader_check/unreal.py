"""Every global shader the Unreal plugin's C++ binds, with every permutation, as compile jobs.

Read from the plugin's C++ (no list is kept here): IMPLEMENT_GLOBAL_SHADER / IMPLEMENT_SHADER_TYPE
lines give the class, virtual file path, entry point and frequency; the class (and its base classes
in the plugin) gives the defines its ModifyCompilationEnvironment sets, its permutation domain and
its FParameters struct; AddShaderSourceDirectoryMapping gives where a virtual path lives.

What is not modelled: conditions around SetDefine (every SetDefine is taken), and
ShouldCompilePermutation (every permutation of the domain is compiled, a superset).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from shader_check.compile import Job

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "unreal_client"
SOURCE = PLUGIN / "Source"
STUBS = REPO / "tests" / "shader_stubs" / "unreal"

FREQUENCIES = {"SF_Vertex": "vert", "SF_Pixel": "frag", "SF_Compute": "comp", "SF_Geometry": "geom"}

# The frequency defines Unreal's shader compiler sets for every compile (GlobalBeginCompileShader in
# Engine/Source/Runtime/Engine/Private/ShaderCompiler/ShaderCompiler.cpp: each is 1 for the shader's
# own frequency and 0 otherwise; read in a public copy of the engine source).
FREQUENCY_DEFINES = {
    "PIXELSHADER": "SF_Pixel",
    "DOMAINSHADER": "SF_Domain",
    "HULLSHADER": "SF_Hull",
    "VERTEXSHADER": "SF_Vertex",
    "GEOMETRYSHADER": "SF_Geometry",
    "COMPUTESHADER": "SF_Compute",
}

_TEXT = r'(?:TEXT\(\s*)?"([^"]*)"\s*\)?'
_IMPLEMENT = re.compile(
    r"IMPLEMENT_GLOBAL_SHADER\(\s*(\w+)\s*,\s*" + _TEXT + r"\s*,\s*" + _TEXT + r"\s*,\s*(\w+)\s*\)"
    r"|IMPLEMENT_SHADER_TYPE\(\s*[^,]*,\s*(\w+)\s*,\s*"
    + _TEXT
    + r"\s*,\s*"
    + _TEXT
    + r"\s*,\s*(\w+)\s*\)"
)
_MAPPING = re.compile(
    r"AddShaderSourceDirectoryMapping\(\s*TEXT\(\s*\"([^\"]+)\"\s*\)\s*,(.*?)\);", re.S
)
_CLASS = re.compile(
    r"\b(?:class|struct)\s+(?:\w+_API\s+)?(\w+)\s*(?:final\s*)?:\s*public\s+(\w+)\s*\{"
)
_SET_DEFINE = re.compile(r"\.\s*SetDefine\(\s*TEXT\(\s*\"(\w+)\"\s*\)\s*,\s*(.+?)\s*\)\s*;")
_CONSTANT = re.compile(r"\b(?:static\s+)?(?:constexpr|const)\s+\w+\s+(\w+)\s*=\s*([^;]+);")
_DIMENSION = re.compile(
    r"\bclass\s+(\w+)\s*:\s*(SHADER_PERMUTATION_\w+)\(\s*\"(\w+)\"\s*(?:,([^)]*))?\)"
)
_DOMAIN = re.compile(r"\busing\s+FPermutationDomain\s*=\s*TShaderPermutationDomain<([^>]*)>\s*;")
_PARAMETER_STRUCT = re.compile(
    r"BEGIN_(?:GLOBAL_)?SHADER_PARAMETER_STRUCT\(\s*(\w+)\s*,[^)]*\)(.*?)END_(?:GLOBAL_)?SHADER_PARAMETER_STRUCT\(\)",
    re.S,
)
_PARAMETERS_ALIAS = re.compile(r"\busing\s+FParameters\s*=\s*(\w+)\s*;")
_MEMBER = re.compile(r"\b(SHADER_PARAMETER\w*|RENDER_TARGET_BINDING_SLOTS)\s*\(")
_UNIFORM_NAME = re.compile(
    r"IMPLEMENT_(?:GLOBAL_|STATIC_)?(?:SHADER_PARAMETER_STRUCT|UNIFORM_BUFFER_STRUCT)\(\s*(\w+)\s*,\s*"
    + _TEXT
)


class UnsupportedShader(Exception):
    """Something in the C++ this check cannot model; reported as a failure, never skipped."""


@dataclass(frozen=True)
class Member:
    """One member of a shader parameter struct, as Unreal binds it to a shader global."""

    macro: str
    cpp_type: str  # the macro's first argument: a C++ type, or an HLSL resource type
    name: str  # the shader global's name (prefixes of nested structs applied)


@dataclass
class ShaderClass:
    name: str
    base: str
    body: str
    defines: dict[str, str] = field(default_factory=dict)
    dimensions: list[tuple[str, list[str]]] = field(default_factory=list)
    parameters: list[Member] | None = None  # None: the class has no parameter struct


@dataclass(frozen=True)
class GlobalShader:
    """One IMPLEMENT_GLOBAL_SHADER line, resolved."""

    cls: ShaderClass
    virtual_path: str
    file: Path
    entry: str
    frequency: str  # SF_Vertex...


def sources(root: Path = SOURCE) -> dict[Path, str]:
    """The plugin's own C++ (ThirdParty holds no shaders)."""
    return {
        path: path.read_text(errors="replace")
        for path in sorted(root.rglob("*"))
        if path.suffix in (".h", ".cpp") and "ThirdParty" not in path.parts
    }


def strip_comments(text: str) -> str:
    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return re.sub(r"/\*.*?\*/|//[^\n]*", blank, text, flags=re.S)


def _braced(text: str, open_at: int) -> str:
    """The text between the brace at open_at and its match."""
    depth = 0
    for at in range(open_at, len(text)):
        if text[at] == "{":
            depth += 1
        elif text[at] == "}":
            depth -= 1
            if depth == 0:
                return text[open_at + 1 : at]
    raise UnsupportedShader("unbalanced braces in a shader class")


def _arguments(text: str, open_at: int) -> list[str]:
    """The comma-separated arguments of the call whose '(' is at open_at (nesting respected)."""
    depth, start, found = 0, open_at + 1, []
    for at in range(open_at, len(text)):
        char = text[at]
        if char in "(<[":
            depth += 1
        elif char in ")>]":
            depth -= 1
            if depth == 0:
                found.append(text[start:at].strip())
                return found
        elif char == "," and depth == 1:
            found.append(text[start:at].strip())
            start = at + 1
    raise UnsupportedShader("unbalanced parentheses in a shader parameter struct")


def plugin_root(root: Path = PLUGIN) -> Path:
    uplugins = list(root.glob("*.uplugin"))
    if len(uplugins) != 1:
        raise UnsupportedShader(f"expected one .uplugin in {root}, found {uplugins}")
    return root


def directory_mappings(code: dict[Path, str], root: Path = PLUGIN) -> dict[str, Path]:
    """Virtual shader directory -> real directory, from AddShaderSourceDirectoryMapping calls."""
    found = {}
    for text in code.values():
        for match in _MAPPING.finditer(strip_comments(text)):
            virtual, where = match.group(1), match.group(2)
            if "GetBaseDir()" not in where:
                raise UnsupportedShader(
                    f"cannot resolve the shader directory of {virtual}: {where}"
                )
            relative = re.findall(r'TEXT\(\s*"([^"]*)"\s*\)', where)
            found[virtual] = plugin_root(root).joinpath(*relative)
    return found


def resolve_virtual(path: str, mappings: dict[str, Path]) -> Path:
    for virtual, real in sorted(mappings.items(), key=lambda item: -len(item[0])):
        if path.startswith(virtual + "/"):
            return real / path[len(virtual) + 1 :]
    raise UnsupportedShader(f"{path}: no AddShaderSourceDirectoryMapping covers it")


def _value(expression: str, body: str, everything: str) -> str:
    expression = expression.strip()
    if re.fullmatch(r"-?\d+[uUlL]*", expression):
        return expression.rstrip("uUlL")
    if expression in ("true", "false"):
        return "1" if expression == "true" else "0"
    text = re.fullmatch(r'TEXT\(\s*"([^"]*)"\s*\)', expression)
    if text:
        return text.group(1)
    for scope in (body, everything):
        for match in _CONSTANT.finditer(scope):
            if match.group(1) == expression:
                return _value(match.group(2), body, everything)
    raise UnsupportedShader(f"cannot resolve the value of a define: {expression}")


def _dimension_values(kind: str, args: str | None) -> list[str]:
    numbers = [a.strip() for a in (args or "").split(",") if a.strip()]
    if kind == "SHADER_PERMUTATION_BOOL":
        return ["0", "1"]
    if kind == "SHADER_PERMUTATION_INT":
        return [str(v) for v in range(int(numbers[0]))]
    if kind == "SHADER_PERMUTATION_RANGE_INT":
        return [str(v) for v in range(int(numbers[0]), int(numbers[0]) + int(numbers[1]))]
    if kind == "SHADER_PERMUTATION_SPARSE_INT":
        return numbers
    raise UnsupportedShader(f"{kind}: this check does not know its values")


def parameter_structs(everything: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _PARAMETER_STRUCT.finditer(everything)}


def uniform_buffer_names(everything: str) -> dict[str, str]:
    """Struct -> the global name a shader sees it under (IMPLEMENT_..._SHADER_PARAMETER_STRUCT)."""
    return {m.group(1): m.group(2) for m in _UNIFORM_NAME.finditer(everything)}


def members(
    struct: str, structs: dict[str, str], uniforms: dict[str, str], prefix: str = ""
) -> list[Member]:
    """The shader globals a parameter struct binds, by the rules of Unreal's
    FShaderParameterStructBindingContext::Bind (RenderCore ShaderParameterStruct.cpp): an included
    struct adds its members as they are, a nested one prefixes them with "Name_", a referenced
    uniform buffer binds under its struct's global name; render-target slots bind nothing.
    """
    if struct not in structs:
        raise UnsupportedShader(f"parameter struct {struct} is not declared in the plugin")
    body = structs[struct]
    found: list[Member] = []
    for match in _MEMBER.finditer(body):
        macro = match.group(1)
        if macro == "RENDER_TARGET_BINDING_SLOTS" or "_ACCESS" in macro:
            continue
        args = _arguments(body, match.end() - 1)
        if macro == "SHADER_PARAMETER_STRUCT_INCLUDE":
            found += members(args[0], structs, uniforms, prefix)
        elif macro == "SHADER_PARAMETER_STRUCT":
            found += members(args[0], structs, uniforms, f"{prefix}{args[1]}_")
        elif macro in ("SHADER_PARAMETER_STRUCT_REF", "SHADER_PARAMETER_RDG_UNIFORM_BUFFER"):
            if args[0] not in uniforms:
                raise UnsupportedShader(
                    f"uniform buffer {args[0]}: its shader name is unknown here"
                )
            found.append(Member(macro, args[0], uniforms[args[0]]))
        elif macro.endswith("_ARRAY") and macro != "SHADER_PARAMETER_ARRAY":
            count = int(re.sub(r"[^\d]", "", args[2]))
            found += [Member(macro, args[0], f"{prefix}{args[1]}_{i}") for i in range(count)]
        else:
            found.append(Member(macro, args[0], f"{prefix}{args[1]}"))
    return found


def shader_classes(code: dict[Path, str]) -> dict[str, ShaderClass]:
    everything = "\n".join(strip_comments(text) for text in code.values())
    structs = parameter_structs(everything)
    uniforms = uniform_buffer_names(everything)
    dimension_kinds = {
        m.group(1): (m.group(3), _dimension_values(m.group(2), m.group(4)))
        for m in _DIMENSION.finditer(everything)
    }
    classes: dict[str, ShaderClass] = {}
    for match in _CLASS.finditer(everything):
        body = _braced(everything, match.end() - 1)
        cls = ShaderClass(match.group(1), match.group(2), body)
        for define in _SET_DEFINE.finditer(body):
            cls.defines[define.group(1)] = _value(define.group(2), body, everything)
        domain = _DOMAIN.search(body)
        if domain:
            for name in (d.strip() for d in domain.group(1).split(",") if d.strip()):
                if name not in dimension_kinds:
                    raise UnsupportedShader(f"{cls.name}: permutation dimension {name} not found")
                cls.dimensions.append(dimension_kinds[name])
        alias = _PARAMETERS_ALIAS.search(body)
        own = re.search(r"BEGIN_SHADER_PARAMETER_STRUCT\(\s*FParameters\s*,", body)
        if alias or own:
            local = dict(structs)
            if own:
                local["FParameters"] = parameter_structs(body)["FParameters"]
            cls.parameters = members(alias.group(1) if alias else "FParameters", local, uniforms)
        classes[cls.name] = cls
    return classes


def _inherited(cls: ShaderClass, classes: dict[str, ShaderClass]) -> ShaderClass:
    """The class with what its base classes in the plugin contribute (its own entries win)."""
    chain = [cls]
    while chain[-1].base in classes and len(chain) < 16:
        chain.append(classes[chain[-1].base])
    merged = ShaderClass(cls.name, cls.base, cls.body)
    for link in reversed(chain):
        merged.defines.update(link.defines)
        merged.dimensions = link.dimensions or merged.dimensions
        merged.parameters = link.parameters if link.parameters is not None else merged.parameters
    return merged


def discover(root: Path = PLUGIN) -> list[GlobalShader]:
    code = sources(root / "Source")
    mappings = directory_mappings(code, root)
    classes = shader_classes(code)
    found = []
    for text in code.values():
        for match in _IMPLEMENT.finditer(strip_comments(text)):
            groups = match.groups()
            name, path, entry, frequency = groups[0:4] if groups[0] else groups[4:8]
            if name not in classes:
                raise UnsupportedShader(
                    f"{name}: bound by IMPLEMENT_GLOBAL_SHADER, class not found"
                )
            if frequency not in FREQUENCIES:
                raise UnsupportedShader(f"{name}: frequency {frequency} is not compiled here")
            found.append(
                GlobalShader(
                    _inherited(classes[name], classes),
                    path,
                    resolve_virtual(path, mappings),
                    entry,
                    frequency,
                )
            )
    return found


def permutations(shader: GlobalShader) -> list[tuple[tuple[str, str], ...]]:
    names = [name for name, _ in shader.cls.dimensions]
    values = [vals for _, vals in shader.cls.dimensions]
    return [tuple(zip(names, combo, strict=True)) for combo in itertools.product(*values)]


def include_root(scratch: Path, mappings: dict[str, Path]) -> Path:
    """A folder in which "/Plugin/X/..." resolves as the engine would resolve it.

    glslang looks an #include "/A/b.ush" up as <dir>//A/b.ush in each -I directory, so the engine's
    virtual roots become folders: /Engine from the stand-ins, each mapped plugin root a link.
    """
    root = scratch / "virtual"
    for virtual, real in mappings.items():
        link = root / virtual.strip("/")
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(real, target_is_directory=True)
    return root


def jobs(shader: GlobalShader, scratch: Path, root: Path = PLUGIN) -> list[Job]:
    virtual = include_root(scratch, directory_mappings(sources(root / "Source"), root))
    made = []
    for permutation in permutations(shader):
        frequency = [
            (define, "1" if shader.frequency == which else "0")
            for define, which in FREQUENCY_DEFINES.items()
        ]
        defines = (*frequency, *shader.cls.defines.items(), *permutation)
        shown = " ".join(f"{k}={v}" for k, v in permutation) or "(no permutation domain)"
        made.append(
            Job(
                label=f"{shader.virtual_path} {shader.entry} ({shader.cls.name}) {shown}",
                source=shader.file,
                stage=FREQUENCIES[shader.frequency],
                entry=shader.entry,
                defines=tuple(defines),
                include_dirs=(STUBS, virtual),
            )
        )
    return made
