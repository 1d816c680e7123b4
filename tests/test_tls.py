"""TLS with a self-signed certificate made by openssl (the recipe in docs/security.md): the
server speaks only TLS, clients that trust the certificate get in, others do not."""

from __future__ import annotations

import grpc
import pytest

from conftest import fresh_server
from security_support import ServeProcess, assert_serving, rpc_error, run_cli, self_signed
from worldstream.api.config import ServerConfig
from worldstream.api.inprocess import ServerThread
from worldstream.api.tokens import parse_tokens_env
from worldstream.client import Client
from worldstream.errors import InvalidArgument

TOKEN = "tls-token-for-studio-a-0123456789"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory, certificate):
    cert, key = certificate
    data = tmp_path_factory.mktemp("tls-data")
    with fresh_server(data, tls_cert=cert, tls_key=key, generate_on_demand=False) as server:
        yield server


def test_a_client_trusting_the_certificate_creates_and_lists_worlds_over_tls(
    tls_server, certificate, photo
):
    roots = certificate[0].read_bytes()
    with Client(tls_server.address, timeout=60, root_certificates=roots) as c:
        world = c.create_world(photo, world_id="over-tls")
        assert world.name in [w.name for w in c.list_worlds()]
        with c.explore(world.name) as stream:
            assert stream.next(timeout=20).WhichOneof("response") == "header"
    assert_serving(tls_server.address, roots)


def test_a_plaintext_client_cannot_talk_to_a_tls_server(tls_server, certificate):
    with Client(tls_server.address, timeout=10) as plain:
        error = rpc_error(lambda: list(plain.list_worlds()))
    assert error.code == grpc.StatusCode.UNAVAILABLE
    assert_serving(tls_server.address, certificate[0].read_bytes())


def test_a_client_trusting_another_certificate_is_refused(tls_server, tmp_path):
    other, _ = self_signed(tmp_path, "impostor")
    with Client(tls_server.address, timeout=10, root_certificates=other.read_bytes()) as c:
        error = rpc_error(lambda: list(c.list_worlds()))
    assert error.code == grpc.StatusCode.UNAVAILABLE


def test_tokens_travel_inside_tls_and_are_still_required(tmp_path, certificate, photo):
    cert, key = certificate
    roots = cert.read_bytes()
    tokens = parse_tokens_env(f"studio-a:{TOKEN}")
    config = dict(tls_cert=cert, tls_key=key, auth=True, tokens=tokens)
    with fresh_server(tmp_path, **config) as server:
        with Client(server.address, timeout=60, root_certificates=roots, token=TOKEN) as c:
            assert c.create_world(photo).name.startswith("worlds/")
        with Client(server.address, timeout=10, root_certificates=roots) as anonymous:
            error = rpc_error(lambda: list(anonymous.list_worlds()))
        assert (error.code, error.reason) == (grpc.StatusCode.UNAUTHENTICATED, "TOKEN_MISSING")


def test_serve_with_tls_options_answers_the_cli_client_given_the_ca(tmp_path, certificate, photo):
    cert, key = certificate
    image = tmp_path / "cup.jpg"
    image.write_bytes(photo)
    args = ("--tls-cert", str(cert), "--tls-key", str(key))
    with ServeProcess(tmp_path / "data", *args) as server:
        address = f"localhost:{server.port}"
        made = run_cli("create", str(image), "--server", address, "--tls-ca", str(cert))
        assert made.returncode == 0, made.stderr
        listed = run_cli("worlds", "--server", address, "--tls-ca", str(cert))
        assert made.stdout.strip().splitlines()[-1] in listed.stdout
        plain = run_cli("worlds", "--server", address)
        assert plain.returncode == 2 and "UNAVAILABLE" in plain.stderr
    assert "TLS" in "".join(server.log)


def test_a_certificate_without_its_key_is_refused_by_the_config(certificate):
    with pytest.raises(ValueError, match="together"):
        ServerConfig(tls_cert=certificate[0])


@pytest.mark.parametrize("broken", ["missing", "not-pem", "swapped"])
def test_unusable_tls_files_stop_the_start_with_tls_config_invalid(tmp_path, certificate, broken):
    cert, key = certificate
    if broken == "missing":
        key = tmp_path / "absent.key"
    elif broken == "not-pem":
        key = tmp_path / "garbage.key"
        key.write_text("not a key")
    else:
        cert, key = key, cert
    server = ServerThread(
        ServerConfig(port=0, data_dir=tmp_path / "data", tls_cert=cert, tls_key=key)
    )
    with pytest.raises(InvalidArgument) as err:
        server.start()
    assert err.value.reason == "TLS_CONFIG_INVALID", err.value.message


def test_a_key_that_does_not_match_the_certificate_stops_the_start(tmp_path, certificate):
    _, other_key = self_signed(tmp_path, "other")
    config = ServerConfig(
        port=0, data_dir=tmp_path / "data", tls_cert=certificate[0], tls_key=other_key
    )
    with pytest.raises(InvalidArgument) as err:
        ServerThread(config).start()
    assert err.value.reason == "TLS_CONFIG_INVALID", err.value.message
