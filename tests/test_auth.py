"""Tenants and tokens: who may call, whose worlds a call sees, and how the defaults keep a
networked server closed. Real servers, real channels, a real `worldstream serve`."""

from __future__ import annotations

import asyncio
import io
import sqlite3

import grpc
import pytest
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from conftest import fresh_server
from security_support import ServeProcess, assert_serving, raw_unary, rpc_error, run_cli
from worldstream.api.config import ServerConfig
from worldstream.api.server import check_security
from worldstream.api.tokens import TokenTable, load_tokens, parse_tokens_env, parse_tokens_file
from worldstream.client import AsyncClient, Client, ClientError
from worldstream.errors import InvalidArgument
from worldstream.store.catalog import SCHEMA_VERSION, Catalog
from worldstream.store.tenants import LOCAL_TENANT
from worldstream.v1 import worldstream_pb2 as pb

TOKEN_A = "a-token-for-studio-a-0123456789"
TOKEN_B = "b-token-for-studio-b-9876543210"
TOKENS = parse_tokens_env(f"studio-a:{TOKEN_A},studio-b:{TOKEN_B}")
UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("auth-data")
    with fresh_server(data, auth=True, tokens=TOKENS, generate_on_demand=False) as running:
        yield running


@pytest.fixture(scope="module")
def studio_a(server):
    with Client(server.address, timeout=60, token=TOKEN_A) as c:
        yield c


@pytest.fixture(scope="module")
def studio_b(server):
    with Client(server.address, timeout=60, token=TOKEN_B) as c:
        yield c


# -- defaults ---------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "localhost", "::1", "[::1]"])
def test_authentication_is_off_by_default_on_a_loopback_address(host):
    assert ServerConfig(host=host).auth_enabled is False


@pytest.mark.parametrize("host", ["0.0.0.0", "[::]", "::", "192.168.1.20", "studio.example", ""])
def test_authentication_is_on_by_default_on_any_other_address(host):
    assert ServerConfig(host=host).auth_enabled is True


def test_an_explicit_auth_setting_wins_over_the_default():
    assert ServerConfig(host="127.0.0.1", auth=True).auth_enabled is True
    assert ServerConfig(host="0.0.0.0", auth=False).auth_enabled is False


def test_a_networked_server_without_tokens_refuses_to_start(tmp_path):
    with pytest.raises(InvalidArgument) as err:
        check_security(ServerConfig(host="0.0.0.0", data_dir=tmp_path))
    assert err.value.reason == "AUTH_NO_TOKENS"
    # The command a user runs says the same and exits 2 without listening.
    done = run_cli("serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", str(tmp_path))
    assert done.returncode == 2 and "AUTH_NO_TOKENS" in done.stderr


# -- who may call -----------------------------------------------------------------------------


def test_every_call_without_a_token_is_unauthenticated_but_health_stays_open(server, photo):
    with Client(server.address, timeout=30) as anonymous:
        calls = [
            lambda: anonymous.create_world(photo),
            lambda: anonymous.get_world("worlds/any-world"),
            lambda: list(anonymous.list_worlds()),
            lambda: anonymous.delete_world("worlds/any-world"),
            lambda: anonymous.export_world("worlds/any-world", io.BytesIO()),
            lambda: anonymous.explore("worlds/any-world").next(timeout=10),
        ]
        for call in calls:
            error = rpc_error(call)
            assert (error.code, error.reason) == (UNAUTHENTICATED, "TOKEN_MISSING")
    assert_serving(server.address)


def test_a_wrong_token_or_another_scheme_is_unauthenticated_token_invalid(server):
    for header in [
        f"Bearer {TOKEN_A}x",
        "Bearer short",
        "Bearer ",
        f"Basic {TOKEN_A}",
        TOKEN_A,
    ]:
        with grpc.insecure_channel(server.address) as channel:
            error = rpc_error(
                channel.unary_unary(
                    "/worldstream.v1.WorldStream/ListWorlds",
                    request_serializer=pb.ListWorldsRequest.SerializeToString,
                ),
                pb.ListWorldsRequest(),
                metadata=[("authorization", header)],
                timeout=10,
            )
        assert (error.code, error.reason) == (UNAUTHENTICATED, "TOKEN_INVALID"), header


def test_an_unauthenticated_request_is_refused_before_its_bytes_are_parsed(server):
    with grpc.insecure_channel(server.address) as channel:
        error = raw_unary(channel, "/worldstream.v1.WorldStream/GetWorld", b"\xff\xff\xff\xff")
    assert (error.code, error.reason) == (UNAUTHENTICATED, "TOKEN_MISSING")


def test_reflection_needs_a_token_when_authentication_is_on(server):
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    with grpc.insecure_channel(server.address) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        error = rpc_error(lambda: list(stub.ServerReflectionInfo(iter([request]), timeout=10)))
        assert error.code == UNAUTHENTICATED
        replies = list(
            stub.ServerReflectionInfo(
                iter([request]), timeout=10, metadata=[("authorization", f"Bearer {TOKEN_A}")]
            )
        )
    names = {s.name for s in replies[0].list_services_response.service}
    assert "worldstream.v1.WorldStream" in names


def test_the_async_client_sends_its_token_too(server, studio_a, photo):
    made = studio_a.create_world(photo, world_id="async-seen")

    async def read() -> str:
        async with AsyncClient(server.address, timeout=30, token=TOKEN_A) as c:
            return (await c.get_world(made.name)).name

    assert asyncio.run(read()) == made.name


def test_a_client_never_sends_a_token_in_plaintext_to_a_remote_address():
    with pytest.raises(ValueError, match="only over TLS"):
        Client("203.0.113.7:50051", token=TOKEN_A)


# -- whose worlds -----------------------------------------------------------------------------


def test_another_tenants_world_is_not_found_exactly_like_a_missing_one(studio_a, studio_b, photo):
    world = studio_a.create_world(photo, world_id="studio-a-lobby")
    missing = rpc_error(studio_b.get_world, "worlds/studio-a-nothing")
    for call in [
        lambda: studio_b.get_world(world.name),
        lambda: studio_b.delete_world(world.name),
        lambda: studio_b.export_world(world.name, io.BytesIO()),
    ]:
        error = rpc_error(call)
        assert (error.code, error.reason) == (grpc.StatusCode.NOT_FOUND, "WORLD_NOT_FOUND")
        assert error.message == missing.message.replace("studio-a-nothing", "studio-a-lobby")
    assert world.name not in [w.name for w in studio_b.list_worlds()]
    # The owner still has it, untouched by the other tenant's delete.
    assert studio_a.get_world(world.name) == world
    assert world.name in [w.name for w in studio_a.list_worlds()]


def test_exploring_another_tenants_world_fails_before_anything_streams(studio_a, studio_b, photo):
    world = studio_a.create_world(photo, world_id="studio-a-hall")
    stream = studio_b.explore(world.name)
    with pytest.raises(ClientError) as err:
        stream.next(timeout=20)  # the very first response is the error, not a header
    assert (err.value.code, err.value.reason) == (grpc.StatusCode.NOT_FOUND, "WORLD_NOT_FOUND")
    with studio_a.explore(world.name) as own:
        assert own.next(timeout=20).WhichOneof("response") == "header"


def test_world_ids_are_unique_across_tenants_without_saying_whose(studio_a, studio_b, photo):
    studio_a.create_world(photo, world_id="shared-name")
    error = rpc_error(studio_b.create_world, photo, world_id="shared-name")
    assert (error.code, error.reason) == (grpc.StatusCode.ALREADY_EXISTS, "WORLD_ALREADY_EXISTS")
    assert "studio-a" not in error.message
    with pytest.raises(ClientError):
        studio_b.get_world("worlds/shared-name")


def test_worlds_made_without_authentication_belong_to_the_local_tenant(tmp_path, photo):
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        local = c.create_world(photo, world_id="made-locally")
    tokens = parse_tokens_env(f"{LOCAL_TENANT}:{TOKEN_A},studio-b:{TOKEN_B}")
    with fresh_server(tmp_path, auth=True, tokens=tokens) as server:
        with Client(server.address, token=TOKEN_A) as owner:
            assert owner.get_world(local.name) == local
        with Client(server.address, token=TOKEN_B) as other:
            assert list(other.list_worlds()) == []


def test_a_catalog_from_before_tenants_gains_the_column_and_its_worlds_go_to_local(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE worlds (id TEXT PRIMARY KEY, display_name TEXT NOT NULL, state TEXT NOT NULL,
            create_time REAL NOT NULL, update_time REAL NOT NULL, meta TEXT NOT NULL);
        INSERT INTO worlds VALUES ('old-world', 'Old', 'ready', 1.0, 2.0,
            '{"bounds_min": [0, 0, 0], "bounds_max": [1, 1, 1],
              "spawn_world_to_camera": [1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1]}');
        """
    )
    old.commit()
    old.close()
    catalog = Catalog(path)
    try:
        record = catalog.get("old-world")
        assert record.tenant == LOCAL_TENANT and record.display_name == "Old"
        assert [r.id for r in catalog.list(10, tenant=LOCAL_TENANT)[0]] == ["old-world"]
        assert catalog.list(10, tenant="studio-a")[0] == []
    finally:
        catalog.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    Catalog(path).close()  # opening a migrated catalog again changes nothing


# -- tokens -----------------------------------------------------------------------------------


def test_every_token_resolves_to_its_tenant_and_nothing_else_resolves():
    assert TOKENS.resolve(TOKEN_A) == "studio-a"
    assert TOKENS.resolve(TOKEN_B) == "studio-b"
    for guess in ["", TOKEN_A[:-1], TOKEN_A + "0", TOKEN_A.upper(), TOKEN_B[::-1]]:
        assert TOKENS.resolve(guess) is None
    assert TokenTable().resolve(TOKEN_A) is None


def test_a_tokens_file_holds_comments_and_several_tokens_per_tenant(tmp_path):
    path = tmp_path / "tokens"
    path.write_text(f"# studio A\nstudio-a:{TOKEN_A}\n\nstudio-a:{TOKEN_A}-laptop\n")
    path.chmod(0o600)
    table = load_tokens(path, f"studio-b:{TOKEN_B}")
    assert table.resolve(f"{TOKEN_A}-laptop") == "studio-a"
    assert table.resolve(TOKEN_B) == "studio-b"
    assert table.tenants == {"studio-a", "studio-b"}


@pytest.mark.parametrize(
    "text, problem",
    [
        (f"studio-a {TOKEN_A}", "TENANT:TOKEN"),
        (f"Studio:{TOKEN_A}", "tenant"),
        ("studio-a:short-secret", "shorter than 16"),
        (f"studio-a:{TOKEN_A}\nstudio-b:{TOKEN_A}", "two tenants"),
        (f"studio-a:{TOKEN_A}\u00e9", "printable ASCII"),
    ],
)
def test_a_bad_tokens_file_is_refused_naming_the_line_but_never_the_token(text, problem):
    with pytest.raises(InvalidArgument) as err:
        parse_tokens_file(text, "tokens.txt")
    assert err.value.reason == "TOKENS_INVALID"
    assert problem in err.value.message and "tokens.txt" in err.value.message
    for secret in (TOKEN_A, "short-secret"):
        assert secret not in err.value.message


def test_tokens_appear_neither_in_the_config_nor_in_the_server_log(tmp_path):
    config = ServerConfig(auth=True, tokens=TOKENS)
    assert TOKEN_A not in repr(config) and "studio-a" in repr(config)
    tokens = tmp_path / "tokens"
    tokens.write_text(f"studio-a:{TOKEN_A}\n")
    tokens.chmod(0o600)
    server = ServeProcess(tmp_path / "data", "--auth", "on", "--tokens", str(tokens))
    with server:
        assert run_cli("worlds", "--server", server.address, "--token", TOKEN_A).returncode == 0
        refused = run_cli("worlds", "--server", server.address, "--token", TOKEN_B)
        assert refused.returncode == 2 and "TOKEN_INVALID" in refused.stderr
    log = "".join(server.log)
    assert "authentication on: 1 tokens for tenants studio-a" in log
    assert "refused /worldstream.v1.WorldStream/ListWorlds: TOKEN_INVALID" in log
    assert TOKEN_A not in log and TOKEN_B not in log


def test_serve_takes_tokens_from_the_environment_and_the_cli_client_from_its_own(tmp_path, photo):
    image = tmp_path / "cup.jpg"
    image.write_bytes(photo)
    env = {"WORLDSTREAM_TOKENS": f"studio-a:{TOKEN_A}"}
    with ServeProcess(tmp_path / "data", "--auth", "on", env=env) as server:
        anonymous = run_cli("worlds", "--server", server.address, env={"WORLDSTREAM_TOKEN": ""})
        assert anonymous.returncode == 2 and "TOKEN_MISSING" in anonymous.stderr
        assert "docs/security.md" in anonymous.stderr
        made = run_cli(
            "create", str(image), "--server", server.address, env={"WORLDSTREAM_TOKEN": TOKEN_A}
        )
        assert made.returncode == 0, made.stderr
        listed = run_cli("worlds", "--server", server.address, "--token", TOKEN_A)
        assert made.stdout.strip().splitlines()[-1] in listed.stdout


def test_token_prints_a_line_a_tokens_file_accepts(tmp_path):
    done = run_cli("token", "studio-c")
    assert done.returncode == 0
    line = done.stdout.strip()
    table = parse_tokens_file(line, "new")
    assert table.resolve(line.split(":", 1)[1]) == "studio-c"
    assert run_cli("token", "Not A Tenant").returncode == 2
