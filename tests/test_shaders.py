"""Every shader entry point of both plugins, in every permutation, through glslang and spirv-val.

No engine is installed here: the engines' include files are stand-ins (tests/shader_stubs/), the
HLSL goes through glslang's HLSL front end to SPIR-V and spirv-val checks the result. What is
compiled comes from the plugins' own sources (tests/shader_check/unity.py and unreal.py), so a new
entry point, keyword or permutation is checked without touching this file.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import struct
import subprocess
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from shader_check import bindings, unity, unity_names, unreal
from shader_check.compile import Job, Result, command, compile_job, validate
from shader_check.reflection import used_globals
from shader_check.toolchain import missing_shader_tools, tool_versions

MISSING = missing_shader_tools()
needs_tools = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

REPO = Path(__file__).resolve().parents[1]
USF = REPO / "unreal_client" / "Shaders" / "Private" / "WorldStreamSplats.usf"

# Collection writes each Unity program's extracted HLSL here, once per session.
SCRATCH = Path(tempfile.mkdtemp(prefix="worldstream_shaders_"))
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)


@cache
def compiled(job: Job) -> Result:
    return compile_job(job)


def _failure(result: Result) -> str:
    return f"{result.report()}\n  ({tool_versions()})"


def _unity_params() -> list:
    try:
        programs = unity.discover()
        return [
            pytest.param(program, job, id=job.label)
            for program in programs
            for job in unity.jobs(program, SCRATCH / "unity")
        ]
    except unity.UnsupportedShader as error:
        return [pytest.param(error, None, id="unity shader discovery")]


def _unreal_params() -> list:
    try:
        shaders = unreal.discover()
        return [
            pytest.param(shader, job, id=job.label)
            for shader in shaders
            for job in unreal.jobs(shader, SCRATCH / "unreal")
        ]
    except unreal.UnsupportedShader as error:
        return [pytest.param(error, None, id="unreal shader discovery")]


@needs_tools
@pytest.mark.parametrize(("program", "job"), _unity_params())
def test_every_unity_shader_entry_point_and_keyword_variant_compiles_to_valid_spirv(program, job):
    if isinstance(program, Exception):
        pytest.fail(f"the Unity shaders could not be read: {program}")
    result = compiled(job)
    assert result.ok, _failure(result)


@needs_tools
@pytest.mark.parametrize(("program", "job"), _unity_params())
def test_every_global_a_unity_shader_reads_is_set_by_unity_its_material_or_the_package(
    program, job
):
    if isinstance(program, Exception):
        pytest.fail(f"the Unity shaders could not be read: {program}")
    result = compiled(job)
    if not result.ok:
        pytest.skip("does not compile; reported by the compile test")
    literals = unity_names.string_literals(unity_names.csharp())
    unset = unity_names.unset_globals(program, result.reflection, literals)
    assert unset == [], (
        f"{job.label} reads {', '.join(unset)}: named by no string in unity_client/Runtime C#, "
        "not a material property, not declared by Unity's includes"
    )


def test_every_shader_and_kernel_the_unity_package_looks_up_by_name_exists():
    shader_files = sorted(unity.SHADERS.rglob("*.shader")) + sorted(
        unity.SHADERS.rglob("*.compute")
    )
    problems = unity_names.unknown_lookups(unity_names.csharp(), shader_files, unity.discover())
    assert problems == []


@needs_tools
@pytest.mark.parametrize(("shader", "job"), _unreal_params())
def test_every_unreal_global_shader_and_permutation_compiles_to_valid_spirv(shader, job):
    if isinstance(shader, Exception):
        pytest.fail(f"the Unreal shaders could not be read from the C++: {shader}")
    result = compiled(job)
    assert result.ok, _failure(result)


@needs_tools
@pytest.mark.parametrize(("shader", "job"), _unreal_params())
def test_every_global_an_unreal_shader_reads_is_bound_by_its_cpp_parameter_struct(shader, job):
    if isinstance(shader, Exception):
        pytest.fail(f"the Unreal shaders could not be read from the C++: {shader}")
    result = compiled(job)
    if not result.ok:
        pytest.skip("does not compile; reported by the compile test")
    assert bindings.problems(shader, result.reflection) == [], job.label


REAL_CGINCLUDES = os.environ.get("UNITY_BUILTIN_CGINCLUDES")


@needs_tools
@pytest.mark.skipif(
    not REAL_CGINCLUDES,
    reason="UNITY_BUILTIN_CGINCLUDES is not set (a folder of Unity's own built-in .cginc files)",
)
def test_the_unity_stand_ins_read_as_unitys_own_includes_do_on_d3d11():
    """Run where Unity's built-in shader sources are at hand (Editor/Data/CGIncludes).

    Only the D3D11 variants: on Vulkan, Unity's own includes declare HLSLcc's Texture2D_half
    types, which glslang does not know.
    """
    jobs = [
        job
        for program in unity.discover()
        for job in unity.jobs(program, SCRATCH / "unity")
        if ("SHADER_API_D3D11", "1") in job.defines
    ]
    assert jobs
    for job in jobs:
        real = compile_job(replace(job, include_dirs=(job.include_dirs[0], Path(REAL_CGINCLUDES))))
        assert real.ok, _failure(real)
        stand_in = compiled(job)
        assert stand_in.ok, _failure(stand_in)
        assert set(used_globals(stand_in.reflection)) == set(used_globals(real.reflection)), (
            job.label
        )


def test_the_unity_shaders_found_include_point_previews_vertex_and_fragment_programs():
    programs = unity.discover()
    entries = {(p.path.name, pragma, entry) for p in programs for pragma, _, entry in p.entries}
    assert ("PointPreview.shader", "vertex", "vert") in entries
    assert ("PointPreview.shader", "fragment", "frag") in entries
    # Every program names at least one entry point: a block without one would compile nothing.
    assert all(p.entries for p in programs), [p.name for p in programs if not p.entries]


def test_the_unreal_shaders_found_are_the_ones_the_cpp_binds_with_their_defines():
    shaders = {s.entry: s for s in unreal.discover()}
    assert {"ProjectCS", "SplatVS", "SplatPS"} <= set(shaders)
    assert shaders["ProjectCS"].frequency == "SF_Compute"
    assert shaders["SplatVS"].frequency == "SF_Vertex"
    assert shaders["SplatPS"].frequency == "SF_Pixel"
    # THREADGROUP_SIZE comes from FWorldStreamProjectCS::ThreadGroupSize through SetDefine.
    header = (REPO / "unreal_client/Source/WorldStream/Private/WorldStreamShaders.h").read_text()
    group_size = re.search(r"ThreadGroupSize\s*=\s*(\d+)", header).group(1)
    assert shaders["ProjectCS"].cls.defines["THREADGROUP_SIZE"] == group_size
    assert shaders["SplatVS"].cls.defines["WORLDSTREAM_DRAW"] == "1"
    assert shaders["SplatVS"].file == USF
    for shader in shaders.values():
        assert shader.file.is_file(), shader.file
        assert shader.file.is_relative_to(REPO / "unreal_client" / "Shaders"), shader.file


SHADERLAB = """Shader "Test/Variants"
{
    CGINCLUDE
    float4 _Tint;
    ENDCG
    SubShader
    {
        Pass
        {
            CGPROGRAM
            #pragma vertex vert
            #pragma fragment frag
            #pragma multi_compile _ MODE_A MODE_B
            #pragma shader_feature_local USE_FADE
            #pragma multi_compile_fragment __ DITHER
            // #pragma multi_compile COMMENTED_OUT
            #include "UnityCG.cginc"
            float4 vert(float4 v : POSITION) : SV_POSITION
            {
                return UnityObjectToClipPos(v) * _Tint;
            }
            float4 frag() : SV_Target
            {
                // fade
                return _Tint;
            }
            ENDCG
        }
    }
}
"""
BROKEN_FADE = "#if defined(USE_FADE)\n return UNDECLARED_FADE;\n#endif"


def test_keyword_pragmas_expand_to_every_variant_per_stage_and_api(tmp_path):
    path = tmp_path / "Variants.shader"
    path.write_text(SHADERLAB)
    (program,) = unity.programs_in_shaderlab(path)
    jobs = unity.jobs(program, tmp_path / "scratch", version=202130)
    vertex = {job.defines for job in jobs if job.entry == "vert"}
    fragment = {job.defines for job in jobs if job.entry == "frag"}
    # 3 x 2 variants for the vertex stage, 3 x 2 x 2 for the fragment stage, each on two APIs.
    assert (len(vertex), len(fragment)) == (12, 24)
    keywords = {name for defines in fragment for name, _ in defines}
    assert {"MODE_A", "MODE_B", "USE_FADE", "DITHER"} <= keywords
    assert "COMMENTED_OUT" not in keywords
    assert not any(name == "DITHER" for defines in vertex for name, _ in defines)
    assert all(("SHADER_TARGET", "25") in d and ("UNITY_VERSION", "202130") in d for d in vertex)
    # CGINCLUDE is part of every CGPROGRAM, after Unity's implicit includes.
    assert program.text.index("HLSLSupport.cginc") < program.text.index("float4 _Tint;")


def test_per_kernel_defines_and_comments_on_kernel_lines_are_read_as_unity_does(tmp_path):
    path = tmp_path / "Sort.compute"
    path.write_text(
        "#pragma kernel Upsweep PASS=1\n#pragma kernel Downsweep PASS=2 WIDE\n"
        "RWStructuredBuffer<uint> Keys;\n"
        "[numthreads(64, 1, 1)]\n"
        "void Upsweep(uint3 id : SV_DispatchThreadID) { Keys[id.x] = PASS; }\n"
        "[numthreads(64, 1, 1)]\n"
        "void Downsweep(uint3 id : SV_DispatchThreadID) { Keys[id.x] = WIDE; }\n"
    )
    program = unity.program_in_compute(path)
    assert program.kernel_defines == {
        "Upsweep": (("PASS", "1"),),
        "Downsweep": (("PASS", "2"), ("WIDE", "1")),
    }
    path.write_text("#pragma kernel Upsweep // the first pass\n")
    with pytest.raises(unity.UnsupportedShader, match="comment"):
        unity.program_in_compute(path)


CPP_HEADER = """#pragma once
#include "GlobalShader.h"
class FDemoCS : public FGlobalShader
{
public:
    DECLARE_GLOBAL_SHADER(FDemoCS);
    SHADER_USE_PARAMETER_STRUCT(FDemoCS, FGlobalShader);
    static constexpr uint32 GroupSize = 128;
    class FWide : SHADER_PERMUTATION_BOOL("DEMO_WIDE");
    class FTaps : SHADER_PERMUTATION_RANGE_INT("DEMO_TAPS", 1, 3);
    using FPermutationDomain = TShaderPermutationDomain<FWide, FTaps>;
    BEGIN_SHADER_PARAMETER_STRUCT(FParameters, )
        SHADER_PARAMETER_RDG_BUFFER_UAV(RWBuffer<uint>, Output)
        SHADER_PARAMETER(uint32, Count)
        %(extra)s
    END_SHADER_PARAMETER_STRUCT()
    static void ModifyCompilationEnvironment(
        const FGlobalShaderPermutationParameters& P, FShaderCompilerEnvironment& Environment)
    {
        Environment.SetDefine(TEXT("GROUP_SIZE"), GroupSize);
    }
};
"""

CPP_SOURCE = """#include "Demo.h"
void StartupModule()
{
    AddShaderSourceDirectoryMapping(
        TEXT("/Plugin/Demo"), FPaths::Combine(Plugin->GetBaseDir(), TEXT("Shaders")));
}
IMPLEMENT_GLOBAL_SHADER(FDemoCS, "/Plugin/Demo/Private/Demo.usf", "%(entry)s", SF_Compute);
"""

USF_SOURCE = """#include "/Engine/Private/Common.ush"
RWBuffer<uint> Output;
uint Count;
%(extra)s
[numthreads(GROUP_SIZE, 1, 1)]
void MainCS(uint3 Id : SV_DispatchThreadID)
{
    if (Id.x < Count) { Output[Id.x] = DEMO_TAPS + DEMO_WIDE %(use)s; }
}
"""


def demo_plugin(root: Path, entry="MainCS", cpp_extra="", usf_extra="", use="") -> Path:
    (root / "Source" / "Demo" / "Private").mkdir(parents=True)
    (root / "Shaders" / "Private").mkdir(parents=True)
    (root / "Demo.uplugin").write_text("{}")
    private = root / "Source" / "Demo" / "Private"
    (private / "Demo.h").write_text(CPP_HEADER % {"extra": cpp_extra})
    (private / "Demo.cpp").write_text(CPP_SOURCE % {"entry": entry})
    (root / "Shaders" / "Private" / "Demo.usf").write_text(
        USF_SOURCE % {"extra": usf_extra, "use": use}
    )
    return root


def test_permutation_domains_and_defines_are_read_from_the_cpp(tmp_path):
    root = demo_plugin(tmp_path / "plugin")
    (shader,) = unreal.discover(root)
    assert shader.file == root / "Shaders" / "Private" / "Demo.usf"
    jobs = unreal.jobs(shader, tmp_path / "scratch", root)
    permutations = {tuple((k, v) for k, v in job.defines if k.startswith("DEMO_")) for job in jobs}
    assert permutations == {
        (("DEMO_WIDE", wide), ("DEMO_TAPS", taps)) for wide in "01" for taps in "123"
    }
    assert all(("GROUP_SIZE", "128") in job.defines for job in jobs)
    assert all(("COMPUTESHADER", "1") in job.defines for job in jobs)
    assert all(("PIXELSHADER", "0") in job.defines for job in jobs)


# Controls: each shows that the check fails on the defect it exists to catch.


@needs_tools
def test_a_shader_with_a_type_error_fails_the_check(tmp_path):
    source = tmp_path / "Broken.usf"
    source.write_text(
        USF.read_text().replace(
            "const float Opacity = Splat.ScaleOpacity.w * Tile.Alpha;",
            "const float Opacity = Splat;",
        )
    )
    job = Job(
        "type error",
        source,
        "vert",
        "SplatVS",
        (("WORLDSTREAM_DRAW", "1"),),
        (unreal.STUBS,),
    )
    result = compile_job(job)
    assert not result.ok
    assert result.stage_failed == "glslang"
    assert "cannot convert" in result.message, result.message
    # The same job on the shader as committed compiles: the edit is what fails.
    assert compile_job(replace(job, label="as committed", source=USF)).ok


@needs_tools
def test_an_entry_point_that_does_not_exist_fails_the_check():
    # glslang 12 exits 0 here, emitting an empty entry point; spirv-val accepts the module.
    job = Job(
        "missing entry", USF, "frag", "SplatPSS", (("WORLDSTREAM_DRAW", "1"),), (unreal.STUBS,)
    )
    result = compile_job(job)
    assert not result.ok
    assert result.stage_failed == "entry point"
    assert "Entry point not found" in result.message


@needs_tools
def test_a_unity_pragma_naming_a_missing_function_fails_the_check(tmp_path):
    path = tmp_path / "Misnamed.shader"
    path.write_text(SHADERLAB.replace("#pragma fragment frag", "#pragma fragment fragment"))
    (program,) = unity.programs_in_shaderlab(path)
    failed = [
        compiled(job)
        for job in unity.jobs(program, tmp_path / "scratch", version=202130)
        if job.entry == "fragment" and not compiled(job).ok
    ]
    assert len(failed) == 24
    assert {result.stage_failed for result in failed} == {"entry point"}


@needs_tools
def test_a_keyword_variant_that_does_not_compile_fails_the_check(tmp_path):
    path = tmp_path / "Variants.shader"
    path.write_text(SHADERLAB.replace("// fade", BROKEN_FADE))
    (program,) = unity.programs_in_shaderlab(path)
    results = [compiled(job) for job in unity.jobs(program, tmp_path / "scratch", version=202130)]
    failed = [r for r in results if not r.ok]
    # Exactly the variants with USE_FADE on, for both entry points (the HLSL parser reads the
    # whole program): vertex 3 MODE x 2 APIs, fragment 3 MODE x 2 DITHER x 2 APIs.
    assert len(failed) == 6 + 12
    assert {r.job for r in failed} == {r.job for r in results if ("USE_FADE", "1") in r.job.defines}
    assert all("UNDECLARED_FADE" in r.message for r in failed)


@needs_tools
def test_spirv_that_spirv_val_rejects_fails_the_check(tmp_path):
    job = Job("valid", USF, "comp", "ProjectCS", (("THREADGROUP_SIZE", "64"),), (unreal.STUBS,))
    module = tmp_path / "project.spv"
    subprocess.run(command(job, module), capture_output=True, check=True)
    assert validate(module) is None
    # A header and OpCapability Shader, without the OpMemoryModel every module needs.
    header = struct.pack("<5I", 0x07230203, 0x00010300, 0, 1, 0)
    broken = tmp_path / "broken.spv"
    broken.write_bytes(header + struct.pack("<2I", (2 << 16) | 17, 1))
    assert "MemoryModel" in (validate(broken) or "")


@needs_tools
def test_a_global_missing_from_the_parameter_struct_fails_the_binding_check(tmp_path):
    root = demo_plugin(tmp_path / "plugin", usf_extra="float Scale;", use="+ (uint)Scale")
    (shader,) = unreal.discover(root)
    job = unreal.jobs(shader, tmp_path / "scratch", root)[0]
    result = compile_job(job)
    assert result.ok, result.report()
    assert bindings.problems(shader, result.reflection) == [
        "Scale: read by MainCS, not in FDemoCS::FParameters "
        "(Unreal: 'unbound parameters not represented in the parameter struct')"
    ]


SRV_INPUT = "SHADER_PARAMETER_RDG_BUFFER_SRV(Buffer<uint>, Input)"


@needs_tools
def test_a_parameter_of_another_type_or_access_fails_the_binding_check(tmp_path):
    root = demo_plugin(
        tmp_path / "plugin",
        cpp_extra="SHADER_PARAMETER(float, Scale) " + SRV_INPUT,
        usf_extra="uint Scale;\nRWBuffer<uint> Input;",
        use="+ Scale + Input[0]",
    )
    (shader,) = unreal.discover(root)
    result = compile_job(unreal.jobs(shader, tmp_path / "scratch", root)[0])
    assert result.ok, result.report()
    assert bindings.problems(shader, result.reflection) == [
        "Input: SHADER_PARAMETER_RDG_BUFFER_SRV in C++, "
        "but declared RWBuffer<uint> (read-write) in HLSL",
        "Scale: float in C++ (float), uint in HLSL",
    ]
    # Matching declarations pass.
    fixed = demo_plugin(
        tmp_path / "fixed",
        cpp_extra="SHADER_PARAMETER(uint32, Scale) " + SRV_INPUT,
        usf_extra="uint Scale;\nBuffer<uint> Input;",
        use="+ Scale + Input[0]",
    )
    (shader,) = unreal.discover(fixed)
    result = compile_job(unreal.jobs(shader, tmp_path / "scratch2", fixed)[0])
    assert bindings.problems(shader, result.reflection) == []


@needs_tools
def test_a_unity_global_nothing_sets_and_a_lookup_of_a_missing_shader_fail_the_name_checks(
    tmp_path,
):
    path = tmp_path / "Variants.shader"
    shader = SHADERLAB.replace("float4 _Tint;", "float4 _Tint;\n    float4 _Misspelt;")
    path.write_text(shader.replace("return _Tint;", "return _Tint * _Misspelt;"))
    (program,) = unity.programs_in_shaderlab(path)
    job = next(j for j in unity.jobs(program, tmp_path / "scratch", 202130) if j.entry == "frag")
    result = compile_job(job)
    assert result.ok, result.report()
    # _Tint is set by the package's C# in this made-up case; _Misspelt by nothing.
    assert unity_names.unset_globals(program, result.reflection, {"_Tint"}) == ["_Misspelt"]
    sort = tmp_path / "Resources" / "Sort.compute"
    sort.parent.mkdir()
    sort.write_text("#pragma kernel Sort\n")
    programs = [program, unity.program_in_compute(sort)]
    right = (
        'Shader.Find("Test/Variants"); Resources.Load<ComputeShader>("Sort").FindKernel("Sort");'
    )
    assert unity_names.unknown_lookups({path: right}, [path, sort], programs) == []
    wrong = 'Shader.Find("Test/Variantz"); Resources.Load<ComputeShader>("Sorts").FindKernel("S");'
    assert unity_names.unknown_lookups({path: wrong}, [path, sort], programs) == [
        f'{path}: Shader.Find("Test/Variantz"), no shader of that name',
        f'{path}: FindKernel("S"), no #pragma kernel of that name',
        f'{path}: Resources.Load<ComputeShader>("Sorts"), no such file in a Resources folder',
    ]
