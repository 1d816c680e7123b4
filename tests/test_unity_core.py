"""The Unity package's C# core (unity_client/Runtime/Core), compiled and run under Mono.

The cases themselves are C# (unity_client/Tests/Editor/Cases, shared with the Unity EditMode
suite); this module runs them through unity_client/Tests/run_core_tests.sh, feeds them WSRF
payloads written by the server's own encoder, and checks what binds the C# to the rest of the
repository: generated proto code, enum numbers, the error-status fixture, the package layout.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path

import grpc
import pytest

from vector_support import not_found_status_hex, write_raw_vectors
from worldstream.v1 import worldstream_pb2 as pb

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "unity_client"
VECTORS = ROOT / "tests" / "vectors"
GENERATED = PACKAGE / "Runtime" / "Generated"
MISSING_TOOL = 3  # run_core_tests.sh and gen_proto.sh: a tool is missing and cannot be had
NO_GRPC_PLUGIN = 4  # gen_proto.sh: protoc ran, grpc_csharp_plugin is missing


def run_core_tests(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_extra}
    return subprocess.run(
        ["bash", str(PACKAGE / "Tests" / "run_core_tests.sh")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def test_the_csharp_core_passes_every_case_against_the_golden_and_server_written_vectors(tmp_path):
    assert write_raw_vectors(tmp_path / "raw") >= 8
    result = run_core_tests({"WORLDSTREAM_RAW_VECTORS": str(tmp_path / "raw")})
    output = result.stdout + result.stderr
    if result.returncode == MISSING_TOOL:
        pytest.skip(f"Mono's C# compiler is not available: {output.strip()}")
    assert result.returncode == 0, output
    summary = re.search(r"^(\d+) passed, (\d+) failed, (\d+) skipped$", result.stdout, re.M)
    assert summary, output
    passed, failed, skipped = (int(g) for g in summary.groups())
    assert (failed, skipped) == (0, 0), output
    assert passed >= 50, output
    for case in (
        "Every_golden_vector_decodes_to_the_values_in_its_json",
        "The_decoder_reproduces_the_vectors_bit_for_bit",
        "Raw_payloads_from_the_server_encoder_decode_to_the_same_values",
        "Every_truncation_of_every_vector_is_refused",
        "The_manifest_round_trips_through_its_text_form",
        "The_manifest_keeps_the_world_uid_through_its_text_form",
        "A_version_1_manifest_still_reads_with_an_empty_uid",
        "Held_splat_counts_survive_the_manifest_and_its_text_form",
        "A_manifest_written_before_splat_counts_still_reads_with_every_count_zero",
        "A_resumed_tile_carries_the_splat_count_it_was_decoded_with",
        "A_header_of_another_world_instance_drops_every_held_tile",
        "Two_overlapping_tiles_and_a_level_fade_come_out_in_one_back_to_front_order",
        "Sorting_each_tile_alone_would_draw_this_scene_out_of_order",
        "A_fade_changes_no_order_and_a_tile_at_alpha_zero_drops_out_of_it",
        "When_the_fade_ends_the_coarse_tile_leaves_in_place_and_the_rest_keep_their_order",
        "Splats_behind_the_camera_or_outside_the_frustum_margin_are_culled",
        "Stale_splats_of_a_freed_range_stay_hidden_when_their_slot_is_reused",
        "The_pool_hands_out_disjoint_ranges_first_fit_and_merges_what_is_released",
        "A_range_resizes_in_place_shrinking_into_a_hole_and_growing_into_the_next_one",
        "Growth_keeps_every_range_and_joins_the_new_room_to_the_free_tail",
        "The_pool_stays_consistent_through_random_allocations_releases_resizes_and_growth",
        "Uploads_stay_within_the_budget_of_each_frame_and_land_where_the_pool_put_each_tile",
        "A_tile_is_drawn_only_once_its_last_range_is_uploaded",
        "A_removal_waits_until_the_tiles_added_before_it_are_drawn",
        "A_removal_with_nothing_waiting_frees_its_range_and_slot_at_once_and_they_are_reused",
        "Adding_under_a_drawn_id_replaces_it_once_the_new_tile_is_drawn",
        "The_pool_grows_when_no_free_range_holds_a_tile_and_keeps_every_offset",
        "The_gpu_records_have_the_layout_the_shaders_read",
        "Packing_activates_every_field_as_the_slow_reference_does",
        "The_packer_packs_off_the_calling_thread_and_hands_back_every_tile",
        "A_tile_decoded_but_not_yet_applied_at_a_reconnect_is_resumed",
        "A_queued_removal_drops_the_held_cell_whatever_level_it_names",
        "A_queued_header_of_another_world_instance_drops_everything_held_before_it",
        "The_manifest_is_what_the_main_thread_holds_once_the_queue_is_applied",
    ):
        assert re.search(rf"^PASS \w+\.{case} ", result.stdout, re.M), (
            f"{case} did not pass\n{output}"
        )


def test_the_status_bytes_in_the_csharp_cases_are_what_python_protobuf_writes():
    source = (PACKAGE / "Tests" / "Editor" / "Cases" / "StatusCases.cs").read_text()
    constant = re.search(r"NotFoundStatusHex =(.*?);", source, re.S)
    assert constant, "StatusCases.cs lost its NotFoundStatusHex constant"
    hex_in_csharp = "".join(re.findall(r'"([0-9a-f]+)"', constant.group(1)))
    assert hex_in_csharp == not_found_status_hex()


def csharp_enum(path: Path, name: str) -> dict[str, int]:
    body = re.search(rf"enum {name}\s*{{(.*?)}}", path.read_text(), re.S)
    assert body, f"no enum {name} in {path}"
    return {m[0]: int(m[1]) for m in re.findall(r"^\s*(\w+) = (\d+),", body.group(1), re.M)}


def test_the_csharp_enums_carry_the_proto_and_grpc_numbers():
    encodings = csharp_enum(PACKAGE / "Runtime" / "Core" / "PayloadEncoding.cs", "PayloadEncoding")
    assert encodings == {
        "Unspecified": pb.TILE_ENCODING_UNSPECIFIED,
        "RawF32": pb.TILE_ENCODING_RAW_F32,
        "QuantizedV1": pb.TILE_ENCODING_QUANTIZED_V1,
    }
    codes = csharp_enum(PACKAGE / "Runtime" / "Core" / "StatusCode.cs", "StatusCode")
    expected = {c.name.replace("_", "").lower(): c.value[0] for c in grpc.StatusCode}
    assert {name.lower(): number for name, number in codes.items()} == expected


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> tuple[Path, int, str]:
    out = tmp_path_factory.mktemp("generated")
    result = subprocess.run(
        ["bash", str(PACKAGE / "gen_proto.sh"), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return out, result.returncode, result.stdout + result.stderr


def test_regenerating_the_csharp_messages_changes_nothing(regenerated):
    out, code, output = regenerated
    if code == MISSING_TOOL:
        pytest.skip(f"protoc is not installed: {output.strip()}")
    assert code in (0, NO_GRPC_PLUGIN), output
    produced = out / "Worldstream.cs"
    assert produced.read_bytes() == (GENERATED / "Worldstream.cs").read_bytes(), (
        "Runtime/Generated/Worldstream.cs differs from protoc's output: "
        "run unity_client/gen_proto.sh"
    )


def test_regenerating_the_csharp_grpc_client_changes_nothing(regenerated):
    out, code, output = regenerated
    if code in (MISSING_TOOL, NO_GRPC_PLUGIN):
        pytest.skip(f"protoc or grpc_csharp_plugin is not installed: {output.strip()}")
    assert code == 0, output
    produced = out / "WorldstreamGrpc.cs"
    assert produced.read_bytes() == (GENERATED / "WorldstreamGrpc.cs").read_bytes(), (
        "Runtime/Generated/WorldstreamGrpc.cs differs from the plugin's output: "
        "run unity_client/gen_proto.sh"
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in GENERATED.glob("*.cs"))


def test_the_package_layout_is_a_upm_package_whose_core_has_no_engine_reference():
    manifest = json.loads((PACKAGE / "package.json").read_text())
    assert manifest["name"] == "com.worldstream.client"
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert f"## [{manifest['version']}]" in (PACKAGE / "CHANGELOG.md").read_text()
    for sample in manifest["samples"]:
        assert (PACKAGE / sample["path"]).is_dir(), sample
    asmdefs = {
        json.loads(p.read_text())["name"]: json.loads(p.read_text())
        for p in PACKAGE.rglob("*.asmdef")
    }
    assert {
        "WorldStream.Core",
        "WorldStream.Runtime",
        "WorldStream.Editor",
        "WorldStream.Tests.Editor",
        "WorldStream.Tests.Runtime",
    } <= set(asmdefs)
    assert asmdefs["WorldStream.Core"]["noEngineReferences"] is True
    assert asmdefs["WorldStream.Core"]["references"] == []
    assert {
        "name": "wu.yize.gsplat",
        "expression": "[1.2.1,2.0.0)",
        "define": "WORLDSTREAM_GSPLAT",
    } in (asmdefs["WorldStream.Runtime"]["versionDefines"])
    for path in (PACKAGE / "Runtime" / "Core").glob("*.cs"):
        text = path.read_text()
        assert "UnityEngine" not in text and "UnityEditor" not in text, path.name
    # Code that uses gsplat compiles only when the package is there.
    for path in PACKAGE.rglob("*.cs"):
        text = path.read_text()
        if "using Gsplat" in text:
            assert text.lstrip().startswith("#if WORLDSTREAM_GSPLAT"), path.name
    # Unity reads no link.xml inside a package: the Editor assembly's IUnityLinkerProcessor hands
    # the linker its configuration (tests/test_unity_engine_code.py checks what it preserves).
    assert not (PACKAGE / "link.xml").exists()
    assert (PACKAGE / "Editor" / "WorldStreamLinkerProcessor.cs").exists()


def test_every_asset_unity_imports_has_its_committed_meta_file():
    spec = importlib.util.spec_from_file_location(
        "meta_files", PACKAGE / "Tools~" / "meta_files.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.problems() == [], "run: python unity_client/Tools~/meta_files.py"
    assert (PACKAGE / "Runtime" / "Core" / "TileKey.cs.meta").exists()
    assert not (PACKAGE / "Tests" / "Mono~.meta").exists()
