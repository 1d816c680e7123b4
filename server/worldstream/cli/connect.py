"""`--server HOST:PORT` or `--data-dir D`: a Client either way. Also the server-side options
(`--depth-model`, `--depth-kind`) that only mean something where this process runs the server,
and the client's credentials (`--token`, `--tls-ca`, `--tls`) that only mean something with
`--server`."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from worldstream.client import Client
from worldstream.store.store import default_data_dir

# Kept here rather than imported from the server side, so `--server` use never loads it.
DEPTH_KINDS = ("auto", "metric", "relative", "inverse")
MODEL_DOCS = "docs/depth-models.md"
SECURITY_DOCS = "docs/security.md"
TOKEN_ENV = "WORLDSTREAM_TOKEN"


def add_depth_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "depth model",
        f"for the classic generator of a server this process runs; where to get a model: "
        f"{MODEL_DOCS}",
    )
    group.add_argument(
        "--depth-model",
        type=Path,
        metavar="PATH",
        help="ONNX monocular depth model, e.g. Depth Anything V2 Small (Apache-2.0; see "
        f"{MODEL_DOCS}); default: the weight-free layout prior",
    )
    group.add_argument(
        "--depth-kind",
        choices=DEPTH_KINDS,
        help="what the model outputs (default: auto = the model's metadata, then its file name)",
    )


def add_target_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--server", metavar="HOST:PORT", help="talk to a running server")
    group.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"run a server in this process on this store (default: {default_data_dir()})",
    )
    add_depth_options(parser)
    add_credential_options(parser)


def add_credential_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "credentials", f"for a server given with --server; see {SECURITY_DOCS}"
    )
    group.add_argument(
        "--token",
        metavar="TOKEN",
        help=f"bearer token of your tenant (default: ${TOKEN_ENV}); sent only over TLS or to "
        "a loopback address",
    )
    group.add_argument(
        "--tls-ca",
        type=Path,
        metavar="FILE",
        help="PEM CA certificate(s) to trust: connect with TLS (e.g. a self-signed server)",
    )
    group.add_argument("--tls", action="store_true", help="connect with TLS, system roots")


def client_credentials(args: argparse.Namespace) -> dict:
    """Client keyword arguments from the credential options (and $WORLDSTREAM_TOKEN)."""
    token = getattr(args, "token", None) or os.environ.get(TOKEN_ENV) or None
    ca_path = getattr(args, "tls_ca", None)
    roots = None
    if ca_path is not None:
        try:
            roots = ca_path.expanduser().read_bytes()
        except OSError as exc:
            raise ValueError(f"--tls-ca: cannot read {ca_path}: {exc}") from exc
    return {"token": token, "root_certificates": roots, "tls": bool(getattr(args, "tls", False))}


def depth_settings(args: argparse.Namespace) -> dict[str, str]:
    """ServerConfig fields from the depth options."""
    model = getattr(args, "depth_model", None)
    return {
        "depth_model": str(model.expanduser()) if model else "",
        "depth_kind": getattr(args, "depth_kind", None) or "auto",
    }


@contextlib.contextmanager
def connect(args: argparse.Namespace) -> Iterator[Client]:
    if args.server:
        flags = {"--depth-model": args.depth_model, "--depth-kind": args.depth_kind}
        given = [flag for flag, value in flags.items() if value is not None]
        if given:
            # A remote server chose its depth model when it started; silently ignoring the flag
            # would build a world from a different model than the one asked for.
            raise ValueError(
                f"{' and '.join(given)}: only for a server this process runs (--data-dir); the "
                f"server at {args.server} uses the depth model it was started with "
                "(worldstream serve --depth-model PATH)"
            )
        with Client(args.server, **client_credentials(args)) as client:
            yield client
        return
    given = [
        flag
        for flag, value in {
            "--token": getattr(args, "token", None),
            "--tls-ca": getattr(args, "tls_ca", None),
            "--tls": getattr(args, "tls", False) or None,
        }.items()
        if value is not None
    ]
    if given:
        # The in-process server listens on loopback without authentication or TLS.
        raise ValueError(f"{' and '.join(given)}: only for a server given with --server")
    # Imported here so that `--server` use never loads the server side.
    from worldstream.api.config import ServerConfig
    from worldstream.api.inprocess import ServerThread

    config = ServerConfig(
        port=0, data_dir=args.data_dir or default_data_dir(), **depth_settings(args)
    )
    with ServerThread(config) as server, Client(server.address) as client:
        yield client
