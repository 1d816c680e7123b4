"""The Unreal plugin's render code, compiled here against stand-ins of the engine it uses.

No Unreal Engine exists on this machine. unreal_client/Tests/EngineStandIns holds stand-ins of
the engine headers the render code includes, at the engine's own relative paths, in the layouts
of UE 5.3, 5.4 and 5.5 (where they differ: the Renderer module's post-process input headers and
Version.h). Every translation unit of the runtime module (the renderer's and the rest) is
compiled with `g++ -std=c++20 -fsyntax-only -Wall -Werror` on the include paths UnrealBuildTool
would hand the WorldStream module: its own Public and Private directories, the Public and Classes
directories of each module WorldStream.Build.cs depends on, Engine/Source, the private include
paths the Build.cs adds, and a temporary folder of *.generated.h files written for this run by
tests/unreal_header_tool.py (UnrealHeaderTool's place; none is committed).
Control cases show the fixture catches the classes of defect it exists for. Skips without g++.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from unreal_header_tool import write_generated_headers

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "unreal_client"
MODULE = PLUGIN / "Source" / "WorldStream"
PRIVATE = MODULE / "Private"
CORE_INCLUDE = PLUGIN / "Source" / "WorldStreamCore" / "include"
STAND_INS = PLUGIN / "Tests" / "EngineStandIns"
BUILD_CS = MODULE / "WorldStream.Build.cs"
SHADER = PLUGIN / "Shaders" / "Private" / "WorldStreamSplats.usf"
DISPATCH_H = CORE_INCLUDE / "worldstream" / "dispatch.h"
SETTINGS_H = MODULE / "Public" / "WorldStreamSettings.h"

# A version's tree: its own directory, then those it builds on, then what all share.
LAYERS = {"5.3": ["5.3"], "5.4": ["5.4"], "5.5": ["5.5", "5.4"]}
VERSIONS = tuple(LAYERS)
# The engine-side translation units of the renderer.
RENDER_UNITS = (
    "WorldStreamViewExtension.cpp",
    "WorldStreamRenderState.cpp",
    "WorldStreamShaders.cpp",
)
# The rest of the runtime module: settings, subsystem, session, sink, requests, module, types.
RUNTIME_UNITS = (
    "WorldStreamSession.cpp",
    "WorldStreamSubsystem.cpp",
    "WorldStreamSettings.cpp",
    "WorldStreamSplatSink.cpp",
    "WorldStreamRequests.cpp",
    "WorldStreamModule.cpp",
    "WorldStreamTypes.cpp",
)

COMPILER = shutil.which("g++")
needs_gxx = pytest.mark.skipif(COMPILER is None, reason="g++ is not installed")


def build_cs_modules() -> list[str]:
    """The modules WorldStream.Build.cs depends on (public and private)."""
    text = BUILD_CS.read_text()
    names: list[str] = []
    for block in re.findall(
        r"DependencyModuleNames\.AddRange\(new string\[\]\s*\{(.*?)\}", text, re.S
    ):
        names += re.findall(r'"(\w+)"', block)
    return names


def build_cs_private_paths() -> list[tuple[str, str]]:
    """The (module, subdirectory) pairs of PrivateIncludePaths.Add(Path.Combine(
    GetModuleDirectory("Module"), "Sub")) in WorldStream.Build.cs."""
    pattern = (
        r'PrivateIncludePaths\.Add\(Path\.Combine\(GetModuleDirectory\("(\w+)"\),\s*"(\w+)"\)\)'
    )
    return re.findall(pattern, BUILD_CS.read_text())


def engine_roots(version: str) -> list[Path]:
    return [STAND_INS / layer for layer in LAYERS[version]] + [STAND_INS / "Common"]


def module_dir(root: Path, module: str) -> Path:
    return root / "Engine" / "Source" / "Runtime" / module


def include_dirs(version: str, extra_module_dirs: tuple[tuple[str, str], ...] = ()) -> list[Path]:
    """What UnrealBuildTool hands the WorldStream module, in this engine layout."""
    dirs = [MODULE / "Public", PRIVATE, CORE_INCLUDE]
    modules = build_cs_modules()
    module_subdirs = [*build_cs_private_paths(), *extra_module_dirs]
    for root in engine_roots(version):
        dirs += [module_dir(root, m) / "Public" for m in modules]
        # UBT also hands a dependent an engine module's legacy Classes folder (Engine/World.h,
        # GameFramework/..., Camera/...).
        dirs += [module_dir(root, m) / "Classes" for m in modules]
        dirs += [module_dir(root, m) / sub for m, sub in module_subdirs]
        dirs.append(root / "Engine" / "Source")
    return [d for d in dirs if d.is_dir()]


def headers_with_generated_code() -> list[Path]:
    """Every header, ours and the stand-ins', that UnrealHeaderTool would read."""
    headers = [*MODULE.rglob("*.h"), *STAND_INS.rglob("*.h")]
    return [h for h in headers if ".generated.h" in h.read_text()]


@functools.cache
def generated_dir() -> Path:
    """The *.generated.h files, written once a session into a temporary folder (never committed:
    UnrealHeaderTool writes them in the engine)."""
    folder = Path(tempfile.mkdtemp(prefix="worldstream-uht-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    write_generated_headers(headers_with_generated_code(), folder)
    return folder


def compile_unit(
    source: Path, version: str, extra_module_dirs: tuple[tuple[str, str], ...] = ()
) -> subprocess.CompletedProcess[str]:
    assert COMPILER is not None
    args = [COMPILER, "-std=c++20", "-fsyntax-only", "-Wall", "-Werror"]
    args += [f"-I{d}" for d in include_dirs(version, extra_module_dirs)]
    args.append(f"-I{generated_dir()}")
    return subprocess.run(
        [*args, str(source)], capture_output=True, text=True, timeout=120, check=False
    )


@needs_gxx
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("unit", RENDER_UNITS)
def test_the_render_code_compiles_against_the_engine_surfaces_of_each_supported_version(
    unit: str, version: str
) -> None:
    result = compile_unit(PRIVATE / unit, version)
    assert result.returncode == 0, result.stderr


@needs_gxx
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("unit", RUNTIME_UNITS)
def test_the_rest_of_the_runtime_module_compiles_against_the_engine_surfaces_of_each_version(
    unit: str, version: str
) -> None:
    result = compile_unit(PRIVATE / unit, version)
    assert result.returncode == 0, result.stderr


def test_every_translation_unit_of_the_runtime_module_is_compiled() -> None:
    assert {p.name for p in PRIVATE.glob("*.cpp")} == {*RENDER_UNITS, *RUNTIME_UNITS}


def test_the_build_rules_name_the_modules_the_stand_ins_cover() -> None:
    # A dependency missing from the Build.cs would leave its headers unreachable in the compile
    # above; a stand-in module the Build.cs does not name would not be searched.
    modules = set(build_cs_modules())
    assert {"Core", "Engine", "RenderCore", "Renderer", "RHI"} <= modules, modules
    stood_in = {p.name for p in (STAND_INS / "Common" / "Engine" / "Source" / "Runtime").iterdir()}
    assert stood_in - {"Launch"} <= modules, stood_in - modules


# -- controls: the fixture catches the defects it exists for ----------------------------------


def write_probe(tmp_path: Path, body: str) -> Path:
    probe = tmp_path / "probe.cpp"
    probe.write_text(body)
    return probe


@needs_gxx
@pytest.mark.parametrize("version", VERSIONS)
def test_a_uniform_buffer_ref_gives_a_wrapper_from_get_parameters_and_the_struct_from_get_contents(
    tmp_path: Path, version: str
) -> None:
    # TRDGUniformBuffer::GetParameters returns TRDGParameterStruct<T>&: assigning it to a
    # pointer, as the view extension once did with FPostProcessingInputs::SceneTextures, fails.
    uniform = '#include "RenderGraphResources.h"\n#include "SceneTexturesConfig.h"\n'
    wrong = "const FSceneTextureUniformParameters* P = Ref->GetParameters();"
    right = "const FSceneTextureUniformParameters* P = Ref->GetContents();"
    for line, compiles in ((wrong, False), (right, True)):
        function = "void f(TRDGUniformBufferRef<FSceneTextureUniformParameters> Ref)"
        body = f"{uniform}{function}\n{{ {line} (void)P; }}\n"
        result = compile_unit(write_probe(tmp_path, body), version)
        assert (result.returncode == 0) == compiles, (line, result.stderr)


@needs_gxx
def test_post_process_inputs_are_private_in_5_3_and_internal_from_5_4(tmp_path: Path) -> None:
    # The include the view extension once had, on the paths a dependent of the Renderer gets:
    # its Private folder as the Build.cs then added it, and its Internal folder, which UBT 5.5
    # (UEBuildModule.AddModuleToCompileEnvironment) hands to every dependent of an engine
    # module. The header does not exist in 5.3, the declared target.
    old = write_probe(tmp_path, '#include "PostProcess/PostProcessInputs.h"\n')
    private = (("Renderer", "Private"),)
    for version in VERSIONS:
        result = compile_unit(old, version, (*private, ("Renderer", "Internal")))
        if version == "5.3":
            assert result.returncode != 0 and "PostProcessInputs.h" in result.stderr, version
        else:
            assert result.returncode == 0, (version, result.stderr)
    # What it would have needed: a guard on the engine version and both directories.
    guarded = write_probe(
        tmp_path,
        '#include "Runtime/Launch/Resources/Version.h"\n'
        "#if ENGINE_MAJOR_VERSION > 5 || ENGINE_MINOR_VERSION >= 4\n"
        '#include "PostProcess/PostProcessInputs.h"\n#else\n'
        '#include "PostProcess/PostProcessing.h"\n#endif\n'
        "static_assert(sizeof(FPostProcessingInputs) > 0);\n",
    )
    for version in VERSIONS:
        result = compile_unit(guarded, version, (*private, ("Renderer", "Internal")))
        assert result.returncode == 0, (version, result.stderr)


@needs_gxx
@pytest.mark.parametrize("version", VERSIONS)
def test_the_render_state_needs_its_own_include_for_the_empty_vertex_declaration(
    tmp_path: Path, version: str
) -> None:
    source = (PRIVATE / "WorldStreamRenderState.cpp").read_text()
    assert '#include "CommonRenderResources.h"' in source
    without = tmp_path / "WorldStreamRenderState.cpp"
    without.write_text(source.replace('#include "CommonRenderResources.h"\n', ""))
    result = compile_unit(without, version)
    assert result.returncode != 0 and "GEmptyVertexDeclaration" in result.stderr, result.stderr


# -- what binds the render code to the tested dispatch maths ----------------------------------


def cpp_constants(text: str) -> dict[str, float]:
    """The values of the `inline constexpr` integer and floating constants of a header, each
    defined by literals, shifts, arithmetic and earlier constants."""
    values: dict[str, float] = {}
    for name, expression in re.findall(r"inline constexpr [\w:]+ (\w+) = ([^;]+);", text):
        python = re.sub(r"static_cast<[\w:]+>", "", expression)
        python = re.sub(r"\b(\d+)u\b", r"\1", python).replace("/", "//")
        values[name] = eval(python, {"__builtins__": {}}, dict(values))
    return values


def cpp_constant(text: str, name: str) -> float:
    values = cpp_constants(text)
    assert name in values, name
    return values[name]


def test_project_cs_unwraps_with_the_stride_and_group_size_of_the_tested_dispatch_maths() -> None:
    dispatch = DISPATCH_H.read_text()
    shader = SHADER.read_text()
    stride = re.search(r"#define WORLDSTREAM_WRAPPED_GROUP_STRIDE (\d+)u", shader)
    assert stride and int(stride.group(1)) == cpp_constant(dispatch, "kWrappedGroupStride") == 128
    group = re.search(r"ThreadGroupSize = (\d+);", (PRIVATE / "WorldStreamShaders.h").read_text())
    assert group and int(group.group(1)) == cpp_constant(dispatch, "kProjectGroupSize")
    # ProjectCS takes its index from the unwrapped group id, not SV_DispatchThreadID.x.
    project = shader[shader.index("void ProjectCS") :]
    assert "UnwrappedThreadIndex(GroupId, GroupIndex)" in project.split("}")[0]
    assert "SV_DispatchThreadID" not in shader
    # The render state dispatches with the tested maths, never the unwrapped engine helper.
    render = (PRIVATE / "WorldStreamRenderState.cpp").read_text()
    assert "worldstream::group_count_wrapped(" in render
    assert "FComputeShaderUtils::GetGroupCount(" not in render


def test_the_splat_budget_setting_is_clamped_to_what_the_dispatch_maths_covers() -> None:
    dispatch = DISPATCH_H.read_text()
    settings = SETTINGS_H.read_text()

    def clamp(prop: str) -> tuple[float, float]:
        match = re.search(
            rf'meta = \(ClampMin = "([\d.]+)", ClampMax = "([\d.]+)"[^)]*\)\)\s*\n\s*\w+ {prop} ',
            settings,
        )
        assert match, f"{prop} has no ClampMin and ClampMax"
        return float(match.group(1)), float(match.group(2))

    assert clamp("SplatBudget") == (
        cpp_constant(dispatch, "kMinSplatBudget"),
        cpp_constant(dispatch, "kMaxSplatBudget"),
    )
    assert clamp("PoolHeadroom") == (1.0, 4.0)
    assert cpp_constant(dispatch, "kMinPoolHeadroom") == 1.0
    assert cpp_constant(dispatch, "kMaxPoolHeadroom") == 4.0


def test_the_splats_write_depth_and_velocity_in_a_pass_after_their_colour() -> None:
    # A structural check (nothing here rasterizes): after the blended colour pass the render
    # state draws the same quads with depth writes on, binding the velocity texture when the
    # renderer has one, with the entry points that discard below DepthAlphaThreshold.
    render = (PRIVATE / "WorldStreamRenderState.cpp").read_text()
    colour = render.index('RDG_EVENT_NAME("Draw")')
    depth = render.index("FExclusiveDepthStencil::DepthWrite_StencilNop")
    assert colour < depth
    assert "TStaticDepthStencilState<true, CF_DepthNearOrEqual>" in render[depth:]
    assert "RenderTargets[0] = FRenderTargetBinding(SceneVelocity" in render[colour:]
    for shader_class in ("FWorldStreamSplatDepthPS", "FWorldStreamSplatDepthVelocityPS"):
        assert f"TShaderMapRef<{shader_class}>" in render[depth:]
    shader = SHADER.read_text()
    for entry in ("SplatDepthPS", "SplatDepthVelocityPS"):
        body = shader[shader.index(f"void {entry}(") :].split("\n}\n")[0]
        assert "< DepthAlphaThreshold" in body and "discard" in body, entry
    # Drawn where translucency still sorts against it: the post-opaque delegate, not post-process.
    extension = (PRIVATE / "WorldStreamViewExtension.cpp").read_text()
    assert "RegisterPostOpaqueRenderDelegate" in extension
    assert "PrePostProcessPass_RenderThread" not in extension


# -- the runtime module's headers and its engine surfaces: what the compile catches ------------

MODULE_HEADERS = sorted(p.name for p in [*(MODULE / "Public").glob("*.h"), *PRIVATE.glob("*.h")])


@needs_gxx
@pytest.mark.parametrize("header", MODULE_HEADERS)
def test_each_header_of_the_runtime_module_compiles_on_its_own(tmp_path: Path, header: str) -> None:
    # UBT builds without a shared PCH when asked (and IWYU expects it): a header must include
    # what it uses. WorldStreamModule.h once used DECLARE_LOG_CATEGORY_EXTERN with only
    # Modules/ModuleInterface.h included, which includes CoreTypes.h alone.
    result = compile_unit(write_probe(tmp_path, f'#include "{header}"\n'), "5.4")
    assert result.returncode == 0, result.stderr


@needs_gxx
def test_the_module_header_fails_alone_without_its_core_include(tmp_path: Path) -> None:
    text = (MODULE / "Public" / "WorldStreamModule.h").read_text()
    assert '#include "CoreMinimal.h"\n' in text
    (tmp_path / "WorldStreamModule.h").write_text(text.replace('#include "CoreMinimal.h"\n', ""))
    result = compile_unit(write_probe(tmp_path, '#include "WorldStreamModule.h"\n'), "5.4")
    assert result.returncode != 0 and "DECLARE_LOG_CATEGORY_EXTERN" in result.stderr


def compile_edited(
    tmp_path: Path, unit: str, old: str, new: str
) -> subprocess.CompletedProcess[str]:
    """Compiles a copy of a runtime unit with one edit (the original compiles, above)."""
    source = (PRIVATE / unit).read_text()
    assert old in source, old
    copy = tmp_path / unit
    copy.write_text(source.replace(old, new, 1))
    return compile_unit(copy, "5.4")


@needs_gxx
def test_overriding_an_engine_virtual_with_another_signature_fails(tmp_path: Path) -> None:
    # UWorldSubsystem::ShouldCreateSubsystem(UObject*) is const; an override without const
    # overrides nothing.
    body = (
        '#include "Subsystems/WorldSubsystem.h"\n'
        "class UProbe : public UTickableWorldSubsystem\n{{\n"
        "\tvirtual bool ShouldCreateSubsystem(UObject* Outer) {const} override;\n"
        "\tvirtual TStatId GetStatId() const override;\n}};\n"
    )
    for const, compiles in (("", False), ("const", True)):
        result = compile_unit(write_probe(tmp_path, body.format(const=const)), "5.4")
        assert (result.returncode == 0) == compiles, (const, result.stderr)


@needs_gxx
def test_calling_an_engine_member_in_a_form_it_does_not_have_fails(tmp_path: Path) -> None:
    # UGameViewportClient::GetViewportSize writes into an FVector2D& and returns nothing.
    result = compile_edited(
        tmp_path,
        "WorldStreamSubsystem.cpp",
        "FVector2D Size;\n\t\tViewport->GetViewportSize(Size);",
        "FVector2D Size = Viewport->GetViewportSize();",
    )
    assert result.returncode != 0 and "GetViewportSize" in result.stderr, result.stderr


@needs_gxx
def test_broadcasting_a_dynamic_delegate_with_other_arguments_fails(tmp_path: Path) -> None:
    # FWorldStreamWarningEvent is declared with two FString parameters.
    result = compile_edited(
        tmp_path,
        "WorldStreamSubsystem.cpp",
        "This->OnWarning.Broadcast(Reason, Message);",
        "This->OnWarning.Broadcast(Reason);",
    )
    assert result.returncode != 0 and "Broadcast" in result.stderr, result.stderr


@needs_gxx
def test_a_value_or_error_is_made_only_through_make_value_or_make_error(tmp_path: Path) -> None:
    # TValueOrError has no constructor from a plain value: `return Out;` does not compile.
    result = compile_edited(
        tmp_path, "WorldStreamRequests.cpp", "return MakeValue(MoveTemp(Out));", "return Out;"
    )
    assert result.returncode != 0 and "TValueOrError" in result.stderr, result.stderr


@needs_gxx
def test_a_generated_body_without_its_generated_header_fails(tmp_path: Path) -> None:
    # The *.generated.h files are written per header and line; a header whose generated code
    # is missing (or stale: GENERATED_BODY on another line) does not compile.
    text = (MODULE / "Public" / "WorldStreamTypes.h").read_text()
    (tmp_path / "WorldStreamTypes.h").write_text(
        text.replace("\tGENERATED_BODY()\n", "\n\tGENERATED_BODY()\n", 1)
    )
    result = compile_unit(write_probe(tmp_path, '#include "WorldStreamTypes.h"\n'), "5.4")
    assert result.returncode != 0 and "GENERATED_BODY" in result.stderr, result.stderr
