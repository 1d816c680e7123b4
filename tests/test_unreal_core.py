"""The Unreal plugin's engine-free C++ core (unreal_client/Source/WorldStreamCore), built and run.

The module configures and builds the CMake project against the system gRPC into
unreal_client/build/core (ignored by git, so repeated runs are incremental), then runs its test
programs: the unit cases (golden vectors, server-written WSRF payloads, truncations, random
corruption, chunk assembly, residency, manifest, status mapping, streaming pieces, a client with
no server), the decoder and corruption cases again under AddressSanitizer and UBSan, and the live
cases against `worldstream serve` run as a subprocess: a world created from a photo, a scripted
walk whose connection is dropped by killing the server and resumed when it is back, a budget
kept, and precise errors. It also checks what binds the C++ to the rest of the repository.
Everything skips when cmake, a C++ compiler, protoc, grpc_cpp_plugin or gRPC++'s headers are
missing.
"""

from __future__ import annotations

import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from cpp_support import missing_cpp_tools
from vector_support import not_found_status_hex, write_raw_vectors
from worldstream.v1 import worldstream_pb2 as pb

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "unreal_client"
CORE = PLUGIN / "Source" / "WorldStreamCore"
BUILD = PLUGIN / "build" / "core"
VECTORS = ROOT / "tests" / "vectors"
WORLDSTREAM = ROOT / ".venv" / "bin" / "worldstream"
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed, (\d+) skipped$", re.M)


pytestmark = pytest.mark.skipif(missing_cpp_tools() is not None, reason=str(missing_cpp_tools()))


@pytest.fixture(scope="module")
def build() -> Path:
    """Configures (once) and builds the core and its test programs; returns the build dir."""
    started = time.monotonic()
    if not (BUILD / "CMakeCache.txt").exists():
        configure = subprocess.run(
            ["cmake", "-S", str(CORE), "-B", str(BUILD), "-DCMAKE_BUILD_TYPE=Release"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert configure.returncode == 0, configure.stdout + configure.stderr
    compiled = subprocess.run(
        ["cmake", "--build", str(BUILD), "-j2"],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stdout[-20000:] + compiled.stderr[-20000:]
    print(f"C++ core built in {time.monotonic() - started:.1f} s")
    return BUILD


def run_cases(
    program: Path, *cases: str, env: dict[str, str] | None = None, timeout: float = 120
) -> tuple[str, tuple[int, int, int]]:
    """Runs the cases whose names contain any of `cases` (all without); returns the output and
    (passed, failed, skipped)."""
    result = subprocess.run(
        [str(program), *(f"--filter={case}" for case in cases)],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
        check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    summary = SUMMARY.search(result.stdout)
    assert summary, output
    counts = tuple(int(g) for g in summary.groups())
    assert result.returncode == (1 if counts[1] else 0), output
    return output, counts  # type: ignore[return-value]


def passed(output: str, case: str) -> bool:
    return re.search(rf"^PASS {case} ", output, re.M) is not None


# -- the programs without a server -----------------------------------------------------------


def test_the_core_builds_with_warnings_as_errors_and_passes_every_unit_case(build, tmp_path):
    assert write_raw_vectors(tmp_path / "raw") >= 8
    output, (ok, failed, skipped) = run_cases(
        build / "tests" / "worldstream_unit_tests",
        env={"WORLDSTREAM_RAW_VECTORS": str(tmp_path / "raw"), "WORLDSTREAM_VECTORS": str(VECTORS)},
    )
    assert (failed, skipped) == (0, 0), output
    assert ok >= 60, output
    for case in (
        "every_golden_vector_decodes_to_the_values_in_its_json",
        "the_decoder_reproduces_the_vectors_bit_for_bit",
        "raw_payloads_from_the_server_encoder_decode_to_the_same_values",
        "every_truncation_of_every_vector_is_refused",
        "random_corruption_decodes_cleanly_or_fails_with_a_payload_error",
        "the_status_trailer_gives_code_reason_domain_and_metadata",
        "the_manifest_round_trips_through_its_text_form",
        "the_manifest_keeps_the_world_uid_through_its_text_form",
        "a_version_1_manifest_still_reads_with_an_empty_uid",
        "held_splat_counts_survive_the_manifest_and_its_text_form",
        "a_manifest_written_before_splat_counts_still_reads_with_every_count_zero",
        "a_header_of_another_world_instance_drops_every_held_tile",
        "each_reconnect_sends_the_held_tiles_with_the_uid_of_their_own_world_instance",
        "each_reconnect_sends_the_splat_count_held_of_every_tile",
        "the_driver_keeps_the_world_version_of_the_latest_complete_view",
        "the_driver_drops_every_held_tile_when_a_header_names_another_world_instance",
        "an_explore_stream_without_a_server_reports_it_and_reconnects_only_when_asked",
    ):
        assert passed(output, case), f"{case} did not pass\n{output}"


def test_every_splat_budget_up_to_the_settings_clamp_dispatches_validly_and_reaches_each_splat_once(
    build,
):
    # worldstream/dispatch.h mirrors FComputeShaderUtils::GetGroupCountWrapped; the renderer's
    # ProjectCS dispatch uses it (tests/test_unreal_engine_code.py checks that binding).
    cases = (
        "every_pool_extent_up_to_the_clamp_dispatches_validly_and_reaches_each_splat_once",
        "the_unwrapped_group_count_the_renderer_used_breaks_past_4194240_splats",
        "the_wrapped_group_count_mirrors_unreal_into_y_and_z",
        "budgets_and_headrooms_clamp_to_a_pool_the_buffers_can_hold",
    )
    output, (ok, failed, skipped) = run_cases(build / "tests" / "worldstream_unit_tests", *cases)
    assert (ok, failed, skipped) == (len(cases), 0, 0), output


def test_the_decoders_survive_truncation_and_random_corruption_under_address_sanitizer(build):
    program = build / "tests" / "worldstream_sanitized_tests"
    if not program.exists():
        pytest.skip("the sanitizer build is off (WORLDSTREAM_SANITIZER_TESTS)")
    # Ten times the unit run's random trials: still about a second under the sanitizers.
    output, (ok, failed, _) = run_cases(
        program, env={"WORLDSTREAM_FUZZ_TRIALS": "3000", "WORLDSTREAM_VECTORS": str(VECTORS)}
    )
    assert failed == 0 and ok >= 40, output
    for case in (
        "every_truncation_of_every_vector_is_refused",
        "random_bytes_behind_a_valid_header_never_read_out_of_bounds",
        "random_chunk_sequences_end_in_payloads_or_order_errors",
        "a_cut_or_corrupt_status_trailer_is_a_format_error_or_a_shorter_status",
    ):
        assert passed(output, case), f"{case} did not pass\n{output}"


def test_the_public_headers_name_no_grpc_protobuf_or_unreal_type(tmp_path):
    headers = sorted((CORE / "include" / "worldstream").glob("*.h"))
    assert len(headers) >= 10
    unit = tmp_path / "all_headers.cpp"
    unit.write_text("".join(f'#include "worldstream/{h.name}"\n' for h in headers))
    compiler = next(c for c in ("c++", "g++", "clang++") if shutil.which(c))
    deps = subprocess.run(
        [compiler, "-std=c++17", "-M", "-I", str(CORE / "include"), str(unit)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert deps.returncode == 0, deps.stderr
    # The public headers compile alone, without gRPC's include paths, and pull in nothing of it.
    assert "grpc" not in deps.stdout and "google/protobuf" not in deps.stdout, deps.stdout
    unreal = re.compile(r'#include\s+[<"](CoreMinimal|Engine/|UObject/|Modules/|HAL/)')
    for path in CORE.rglob("*"):
        if path.suffix in (".h", ".cpp"):
            assert not unreal.search(path.read_text()), f"{path} includes an Unreal header"


def cpp_enum(path: Path, name: str) -> dict[str, int]:
    body = re.search(rf"enum class {name}\s*:\s*int\s*{{(.*?)}};", path.read_text(), re.S)
    assert body, f"no enum {name} in {path}"
    return {m[0]: int(m[1]) for m in re.findall(r"^\s*(\w+) = (\d+),", body.group(1), re.M)}


def test_the_cpp_enums_carry_the_proto_and_grpc_numbers():
    include = CORE / "include" / "worldstream"
    assert cpp_enum(include / "types.h", "TileEncoding") == {
        "Unspecified": pb.TILE_ENCODING_UNSPECIFIED,
        "RawF32": pb.TILE_ENCODING_RAW_F32,
        "QuantizedV1": pb.TILE_ENCODING_QUANTIZED_V1,
    }
    assert cpp_enum(include / "types.h", "EngineFrame") == {
        "Unspecified": pb.ENGINE_FRAME_UNSPECIFIED,
        "Gltf": pb.ENGINE_FRAME_GLTF,
        "Unity": pb.ENGINE_FRAME_UNITY,
        "Unreal": pb.ENGINE_FRAME_UNREAL,
    }
    assert cpp_enum(include / "types.h", "TileRemovalReason") == {
        "Unspecified": pb.TILE_REMOVAL_REASON_UNSPECIFIED,
        "Budget": pb.TILE_REMOVAL_REASON_BUDGET,
        "Deleted": pb.TILE_REMOVAL_REASON_DELETED,
    }
    assert cpp_enum(include / "types.h", "WorldState") == {
        "Unspecified": pb.WORLD_STATE_UNSPECIFIED,
        "Creating": pb.WORLD_STATE_CREATING,
        "Ready": pb.WORLD_STATE_READY,
        "Failed": pb.WORLD_STATE_FAILED,
    }
    codes = cpp_enum(include / "status.h", "StatusCode")
    expected = {c.name.replace("_", "").lower(): c.value[0] for c in grpc.StatusCode}
    assert {name.lower(): number for name, number in codes.items()} == expected


def test_every_reason_of_docs_errors_is_a_named_cpp_constant():
    # What clients can meet: the tables of calls and stream warnings, not the start-up refusals.
    errors_md = (ROOT / "docs" / "errors.md").read_text().split("## Refused at start-up")[0]
    documented = set(re.findall(r"`([A-Z][A-Z_]+[A-Z])`", errors_md))
    documented -= {"RESOURCE_EXHAUSTED"}  # gRPC's own, no reason
    source = (CORE / "include" / "worldstream" / "error_reasons.h").read_text()
    constants = set(re.findall(r'= "([A-Z_]+)";', source))
    assert documented <= constants, sorted(documented - constants)


def test_the_status_bytes_in_the_cpp_cases_are_what_python_protobuf_writes():
    for name in ("test_status.cpp", "test_corruption.cpp"):
        source = (CORE / "tests" / name).read_text()
        constant = re.search(r"(?:kNotFoundStatusHex =|std::string hex =)(.*?);", source, re.S)
        assert constant, f"{name} lost its status bytes"
        hex_in_cpp = "".join(re.findall(r'"([0-9a-f]+)"', constant.group(1)))
        assert hex_in_cpp == not_found_status_hex(), name


def test_the_plugin_declares_runtime_and_uncooked_only_editor_modules_without_grpc_in_headers():
    descriptor = json.loads((PLUGIN / "WorldStream.uplugin").read_text())
    modules = {m["Name"]: m for m in descriptor["Modules"]}
    assert modules["WorldStream"]["Type"] == "Runtime"
    assert modules["WorldStreamEditor"]["Type"] == "UncookedOnly"
    for module in ("WorldStream", "WorldStreamEditor"):
        assert (PLUGIN / "Source" / module / f"{module}.Build.cs").exists()
    third_party = PLUGIN / "Source" / "ThirdParty" / "WorldStreamGrpc"
    assert "ModuleType.External" in (third_party / "WorldStreamGrpc.Build.cs").read_text()
    # The Unreal modules see gRPC nowhere; their public headers see not even WorldStreamCore, so
    # the editor module and game code need nothing but Unreal types.
    included = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
    for module in ("WorldStream", "WorldStreamEditor"):
        for source in (PLUGIN / "Source" / module).rglob("*"):
            if source.suffix not in (".h", ".cpp"):
                continue
            for name in included.findall(source.read_text()):
                assert not name.startswith(("grpc", "google/")), f"{source} includes {name}"
                if source.parent.name == "Public" or module == "WorldStreamEditor":
                    assert not name.startswith("worldstream/"), f"{source} includes {name}"


# -- against a live server ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`worldstream serve` as a subprocess on a fixed port, with authentication on and one
    tenant's token, which can be killed and restarted on the same port and data directory (a
    dropped connection, then the server back)."""

    def __init__(self, data_dir: Path, log: Path, tls: tuple[Path, Path] | None = None) -> None:
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log = log
        self.tls = tls  # (certificate, key)
        self.token = secrets.token_urlsafe(24)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "WORLDSTREAM_TOKENS": f"unreal-test:{self.token}"}
        tls = ["--tls-cert", str(self.tls[0]), "--tls-key", str(self.tls[1])] if self.tls else []
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(WORLDSTREAM), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 "--data-dir", str(self.data_dir), "--auth", "on", *tls],
                stdout=log, stderr=subprocess.STDOUT, env=env,
            )  # fmt: skip
        self.wait_serving()

    def channel(self) -> grpc.Channel:
        if self.tls is None:
            return grpc.insecure_channel(self.address)
        roots = grpc.ssl_channel_credentials(self.tls[0].read_bytes())
        return grpc.secure_channel(self.address, roots)

    def wait_serving(self, timeout: float = 60.0) -> None:
        # The health service answers without a token.
        deadline = time.monotonic() + timeout
        with self.channel() as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            while True:
                alive = self.process is not None and self.process.poll() is None
                assert alive, self.log.read_text()
                try:
                    reply = stub.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.RpcError:
                    pass
                assert time.monotonic() < deadline, f"server not serving\n{self.log.read_text()}"
                time.sleep(0.1)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    if not WORLDSTREAM.exists():
        pytest.skip(f"{WORLDSTREAM} is missing: run scripts/setup")
    root = tmp_path_factory.mktemp("unreal-live")
    process = ServerProcess(root / "data", root / "server.log")
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    from PIL import Image
    from skimage import data

    image = Image.fromarray(data.coffee())
    image.thumbnail((256, 256))
    path = tmp_path_factory.mktemp("photo") / "coffee.png"
    image.save(path)
    return path


@pytest.fixture(scope="module")
def created(build, server, photo) -> tuple[str, str]:
    """The C++ client's CreateWorld case; returns (its output, the world's name)."""
    output, (ok, failed, _) = run_cases(
        build / "tests" / "worldstream_live_tests",
        "the_client_creates_a_world_from_a_photo_and_finds_it_again",
        env={**live_env(server), "WORLDSTREAM_PHOTO": str(photo)},
    )
    assert (ok, failed) == (1, 0), output
    world = re.search(r"^WORLD (worlds/\S+) (\d+)$", output, re.M)
    assert world, output
    return output, world.group(1)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory) -> Iterator[ServerProcess]:
    """A second server that speaks TLS with a self-signed certificate for 127.0.0.1."""
    if not WORLDSTREAM.exists():
        pytest.skip(f"{WORLDSTREAM} is missing: run scripts/setup")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate for the TLS server")
    root = tmp_path_factory.mktemp("unreal-tls")
    cert, key = root / "server.pem", root / "server.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    process = ServerProcess(root / "data", root / "server.log", tls=(cert, key))
    process.start()
    yield process
    process.stop()


def live_env(server: ServerProcess, world: str = "") -> dict[str, str]:
    env = {"WORLDSTREAM_SERVER": server.address, "WORLDSTREAM_TOKEN": server.token}
    return {**env, "WORLDSTREAM_WORLD": world} if world else env


def test_the_cpp_client_creates_a_world_from_a_photo_and_finds_it_again(created):
    output, world = created
    assert passed(output, "the_client_creates_a_world_from_a_photo_and_finds_it_again"), output
    assert world.startswith("worlds/")


def test_a_cpp_walk_resumes_after_the_server_is_killed_with_no_duplicate_and_no_gap(
    build, server, created
):
    _, world = created
    walk = subprocess.Popen(
        [str(build / "tests" / "worldstream_live_tests"),
         "--filter=a_walk_resumes_after_the_connection_drops_with_no_duplicate_and_no_gap"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **live_env(server, world), "WORLDSTREAM_DROP": "stdin"},
    )  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert walk.stdout is not None
        for line in walk.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    try:
        while True:
            line = lines.get(timeout=120)
            if line is None:
                pytest.fail("the walk ended before asking for the drop:\n" + "".join(seen))
            seen.append(line)
            if line.strip() == "DROP":
                break
        # A dropped connection: the server dies mid-stream and comes back on the same port.
        server.kill()
        time.sleep(0.5)
        server.start()
        assert walk.stdin is not None
        walk.stdin.write("go\n")
        walk.stdin.flush()
        while (line := lines.get(timeout=180)) is not None:
            seen.append(line)
        walk.wait(timeout=30)
    finally:
        if walk.poll() is None:
            walk.kill()
    output = "".join(seen)
    assert walk.returncode == 0, output
    assert re.search(r"^1 passed, 0 failed, 0 skipped$", output, re.M), output
    stats = re.search(
        r"^WALK tiles=(\d+) first_connection=(\d+) second_connection=(\d+)", output, re.M
    )
    assert stats and int(stats.group(1)) > 0 and int(stats.group(2)) > 0, output
    print(stats.group(0))


def test_a_cpp_session_keeps_a_small_splat_budget(build, server, created):
    _, world = created
    output, counts = run_cases(
        build / "tests" / "worldstream_live_tests",
        "a_small_splat_budget_is_never_exceeded",
        env=live_env(server, world),
    )
    assert counts == (1, 0, 0), output
    print(re.search(r"^BUDGET .*$", output, re.M).group(0))


def test_a_cpp_manifest_of_a_deleted_world_resumes_nothing_in_the_world_made_again_under_its_name(
    build, server, photo
):
    output, counts = run_cases(
        build / "tests" / "worldstream_live_tests",
        "a_manifest_of_a_deleted_world_resumes_nothing_in_the_world_created_again_under_its_name",
        env={**live_env(server), "WORLDSTREAM_PHOTO": str(photo)},
        timeout=300,
    )
    assert counts == (1, 0, 0), output
    print(re.search(r"^INSTANCES .*$", output, re.M).group(0))


def test_unknown_worlds_bad_requests_and_bad_tokens_get_precise_errors_in_cpp(
    build, server, created
):
    _, world = created
    output, counts = run_cases(
        build / "tests" / "worldstream_live_tests",
        "an_unknown_world_ends_the_stream_with_not_found_and_its_reason",
        "bad_requests_get_the_precise_reasons_of_docs_errors",
        "an_authenticating_server_refuses_a_missing_or_wrong_token",
        env=live_env(server, world),
    )
    assert counts == (3, 0, 0), output


def test_a_cpp_client_reaches_a_tls_server_only_with_its_certificate(build, tls_server):
    assert tls_server.tls is not None
    output, counts = run_cases(
        build / "tests" / "worldstream_live_tests",
        "a_tls_server_is_reached_with_its_root_certificate",
        env={
            "WORLDSTREAM_SERVER": tls_server.address,
            "WORLDSTREAM_TLS_SERVER": tls_server.address,
            "WORLDSTREAM_TLS_ROOTS": str(tls_server.tls[0]),
            "WORLDSTREAM_TOKEN": tls_server.token,
        },
    )
    assert counts == (1, 0, 0), output
