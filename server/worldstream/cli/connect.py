"""`--server HOST:PORT` or `--data-dir D`: a Client either way."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path

from worldstream.client import Client
from worldstream.store.store import default_data_dir


def add_target_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--server", metavar="HOST:PORT", help="talk to a running server")
    group.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"run a server in this process on this store (default: {default_data_dir()})",
    )


@contextlib.contextmanager
def connect(args: argparse.Namespace) -> Iterator[Client]:
    if args.server:
        with Client(args.server) as client:
            yield client
        return
    # Imported here so that `--server` use never loads the server side.
    from worldstream.api.config import ServerConfig
    from worldstream.api.inprocess import ServerThread

    config = ServerConfig(port=0, data_dir=args.data_dir or default_data_dir())
    with ServerThread(config) as server, Client(server.address) as client:
        yield client
