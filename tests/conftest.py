"""Shared fixtures: a real server on a loopback port, real clients, a real photo."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import grpc
import numpy as np
import pytest
from PIL import Image
from skimage import data

from worldstream.api.config import ServerConfig
from worldstream.api.inprocess import ServerThread
from worldstream.client import Client


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height, with a few bytes of pixel data (a bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def jpeg_bytes(rgb: np.ndarray, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def photo() -> bytes:
    """skimage's coffee photo at 240x160: a real JPEG, small enough to keep tests fast."""
    small = Image.fromarray(data.coffee()).resize((240, 160), Image.Resampling.LANCZOS)
    return jpeg_bytes(np.asarray(small))


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    """One server for the tests that only read or add worlds of their own. It generates
    nothing on demand, so its worlds stay as created; tests of generation run their own."""
    config = ServerConfig(
        port=0, data_dir=tmp_path_factory.mktemp("shared-data"), generate_on_demand=False
    )
    with ServerThread(config) as server:
        yield server


@pytest.fixture()
def client(shared_server: ServerThread) -> Iterator[Client]:
    with Client(shared_server.address, timeout=60) as c:
        yield c


@pytest.fixture()
def channel(shared_server: ServerThread) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(shared_server.address) as ch:
        yield ch


@pytest.fixture(scope="session")
def world(shared_server: ServerThread, photo: bytes):
    """A ready world on the shared server (read-only for the tests that use it)."""
    with Client(shared_server.address, timeout=60) as c:
        return c.create_world(photo, display_name="coffee")


def fresh_server(data_dir: Path, **overrides) -> ServerThread:
    return ServerThread(ServerConfig(port=0, data_dir=data_dir, **overrides))
