"""Ids, names and tokens that look almost right: a trailing newline, a token written where the
tenant goes, a display name holding terminal escapes, a working side beyond the server's memory."""

from __future__ import annotations

import grpc
import pytest

from security_support import rpc_error, run_cli
from worldstream.api.convert import world_id_from_name
from worldstream.api.tokens import parse_entry, parse_tokens_env, parse_tokens_file
from worldstream.cli.main import main as cli_main
from worldstream.cli.text import printable
from worldstream.client import Client
from worldstream.errors import InvalidArgument
from worldstream.store.catalog import WorldRecord
from worldstream.store.store import Store
from worldstream.world.worlds import Worlds, WorldSettings

INVALID = grpc.StatusCode.INVALID_ARGUMENT
TOKEN = "Qx7-sECRET_token_0123456789abcdefXYZ"  # mixed case, as `worldstream token` makes them
LOWER_TOKEN = "lowercase-secret-token-0123456789"  # one that would pass as a tenant name
ESCAPES = "\x1b[2J\x1b[31mcoffee\x1b[0m\nworlds/fake\tready\t0 splats\tfake"


# --- a final newline is not part of an id --------------------------------------------------------


@pytest.mark.parametrize("world_id", ["abc\n", "lobby\n"])
def test_a_world_id_with_a_final_newline_is_refused(tmp_path, photo, world_id):
    worlds = Worlds(Store(tmp_path), WorldSettings())
    with pytest.raises(InvalidArgument) as info:
        worlds.create(photo, world_id=world_id)
    assert info.value.reason == "INVALID_WORLD_ID"
    assert worlds.list(100, "")[0] == []


def test_a_world_name_with_a_final_newline_is_refused():
    assert world_id_from_name("worlds/abc") == "abc"
    with pytest.raises(InvalidArgument) as info:
        world_id_from_name("worlds/abc\n")
    assert info.value.reason == "INVALID_WORLD_NAME"


@pytest.mark.parametrize("entry", [f"abc\n:{TOKEN}", f"abc:{TOKEN}\n"])
def test_a_tokens_entry_with_a_newline_in_its_tenant_or_token_is_refused(entry):
    with pytest.raises(InvalidArgument) as info:
        parse_entry(entry, "tokens.txt", " line 1")
    assert info.value.reason == "TOKENS_INVALID"


def test_the_token_command_refuses_a_tenant_with_a_final_newline(capsys):
    assert cli_main(["token", "abc\n"]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # no TENANT:TOKEN line to paste into a tokens file
    assert "'abc\\n'" in err and "[a-z][a-z0-9-]{0,62}" in err


# --- a token where the tenant goes is never quoted -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"{TOKEN}:studio-a",  # the wrong way round: the tenant field is the token
        f"{LOWER_TOKEN}:studio-a",  # ... and passes as a tenant; "studio-a" is then too short
        f"{LOWER_TOKEN}:studio-a-0123456789\nother:studio-a-0123456789",  # one "token", two
    ],
    ids=["token first", "lower-case token first", "token first on two lines"],
)
def test_a_tokens_line_written_token_first_never_shows_the_token(text):
    for parse in (lambda: parse_tokens_file(text, "tokens.txt"), lambda: parse_tokens_env(text)):
        with pytest.raises(InvalidArgument) as info:
            parse()
        error = info.value
        assert error.reason == "TOKENS_INVALID"
        shown = " ".join([error.message, str(error), *error.metadata.values()])
        for secret in (TOKEN, LOWER_TOKEN):
            assert secret not in shown and secret[:12] not in shown


# --- display names shown in a terminal -----------------------------------------------------------


def test_printable_escapes_what_a_terminal_would_act_on_and_keeps_the_rest():
    assert printable("Café ☕ 東京 👩‍💻") == "Café ☕ 東京 👩‍💻"
    assert printable("a\x1b[31mb\tc\nd\u202ee\\f") == "a\\x1b[31mb\\x09c\\x0ad\\u202ee\\\\f"


def test_worlds_prints_one_row_per_world_whatever_its_display_name_holds(tmp_path):
    data = tmp_path / "data"
    store = Store(data)  # a world named before CreateWorld refused control characters
    store.catalog.insert(WorldRecord(id="old-world", display_name=ESCAPES, state="failed"))
    store.close()

    listed = run_cli("worlds", "--data-dir", str(data))
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.splitlines()
    assert len(rows) == 1 and rows[0].count("\t") == 3
    assert "\x1b" not in listed.stdout
    assert rows[0].endswith(printable(ESCAPES))


@pytest.mark.parametrize(
    "name, position",
    [("a\x1b[2Jb", 1), ("line\nbreak", 4), ("tab\there", 3), ("rtl \u202etxt.exe", 4)],
)
def test_a_display_name_holding_a_control_character_is_refused(client, photo, name, position):
    error = rpc_error(client.create_world, photo, display_name=name)
    assert (error.code, error.reason) == (INVALID, "INVALID_DISPLAY_NAME")
    assert error.metadata == {"position": str(position)}


def test_a_display_name_in_any_script_with_emoji_is_kept(client, photo):
    name = "Café ☕ 東京 שלום 👩‍💻"
    assert client.create_world(photo, display_name=name).display_name == name


# --- the working side a request may ask for, through the API -------------------------------------


def test_a_max_side_above_the_servers_working_side_limit_is_refused_naming_it(address, photo):
    with Client(address, timeout=60) as c:
        error = rpc_error(c.create_world, photo, max_side_px=4096)
    assert (error.code, error.reason) == (INVALID, "MAX_SIDE_TOO_LARGE")
    assert error.metadata == {"max_side_px": "4096", "limit": "1024"}


@pytest.fixture()
def address(shared_server) -> str:
    return shared_server.address
