"""Helpers for the security, limits, bad-input and fault tests: health checks over any channel,
self-signed certificates, `worldstream serve` as a real subprocess, tmpfs mounts, raw calls."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from worldstream.client import ClientError
from worldstream.client.errors import from_rpc_error
from worldstream.store.catalog import read_all
from worldstream.store.verify import verify_data_dir
from worldstream.store.worlddir import WorldFiles

SERVICE = "worldstream.v1.WorldStream"
COMMAND = [sys.executable, "-m", "worldstream"]


def health(address: str, root_certificates: bytes | None = None) -> int:
    """The health status of the WorldStream service (no token needed: health is open)."""
    if root_certificates is None:
        channel = grpc.insecure_channel(address)
    else:
        channel = grpc.secure_channel(address, grpc.ssl_channel_credentials(root_certificates))
    with channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=SERVICE), timeout=10
        )
    return reply.status


def assert_serving(address: str, root_certificates: bytes | None = None) -> None:
    assert health(address, root_certificates) == health_pb2.HealthCheckResponse.SERVING


def rpc_error(call, *args, **kwargs) -> ClientError:
    """Call something that must fail with a gRPC error; the error as the client library reads
    it (code, ErrorInfo reason, metadata)."""
    try:
        result = call(*args, **kwargs)
        if hasattr(result, "__iter__") and not isinstance(result, (bytes, str)):
            list(result)  # a server stream fails when read
    except ClientError as error:
        return error
    except grpc.RpcError as error:
        return from_rpc_error(error)
    pytest.fail("the call succeeded; an error was expected")


def raw_unary(channel: grpc.Channel, method: str, payload: bytes, metadata=None) -> ClientError:
    """Send bytes that need not be a valid message to a unary method."""
    call = channel.unary_unary(method)
    return rpc_error(call, payload, timeout=10, metadata=metadata)


# -- certificates ---------------------------------------------------------------------------


def self_signed(directory: Path, name: str = "server") -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1 (the recipe of docs/security.md);
    skips the test when openssl is absent."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


# -- a real `worldstream serve` ----------------------------------------------------------------


class ServeProcess:
    """`worldstream serve` in a subprocess on a data dir; killable with SIGKILL and restartable
    on the same dir."""

    def __init__(self, data_dir: Path, *args: str, env: dict[str, str] | None = None, preexec=None):
        self.data_dir = data_dir
        self.args = args
        self.env = {**os.environ, **(env or {})}
        self.preexec = preexec
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.log: list[str] = []

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServeProcess:
        self.log = []
        self.process = subprocess.Popen(
            [*COMMAND, "serve", "--port", "0", "--data-dir", str(self.data_dir), *self.args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
            preexec_fn=self.preexec,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            self.log.append(line)
            match = re.search(r"serving on \S+:(\d+)", line)
            if match:
                self.port = int(match.group(1))
                return self
        self.process.kill()
        rest = self.process.stderr.read()
        pytest.fail("the server did not start:\n" + "".join(self.log) + rest)

    def kill9(self) -> None:
        """SIGKILL: no handler, no flush, no cleanup, like a power cut for the process."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process.stderr.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr and not self.process.stderr.closed:
            self.log.append(self.process.stderr.read())  # the rest of the log, for the test
            self.process.stderr.close()

    def __enter__(self) -> ServeProcess:
        # `with server.start():` enters a running server: starting it again would leave the
        # first process running, unowned, after the test.
        if self.process is not None and self.process.poll() is None:
            return self
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    return subprocess.run(
        [*COMMAND, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


def world_problems(data_dir: Path) -> dict[str, list[str]]:
    """Every world's problems (`worldstream verify`'s checks), keyed by world id; a directory no
    world names is keyed by its own name (empty list: intact)."""
    return {
        checked.name.removeprefix("worlds/").rstrip("/"): checked.problems
        for checked in verify_data_dir(data_dir)
    }


def world_dir(data_dir: Path, world_id: str) -> Path:
    """The directory of the world now named `world_id` (its instance's, `<id>.<uid>`)."""
    record = next(r for r in read_all(Path(data_dir) / "catalog.sqlite3") if r.id == world_id)
    return WorldFiles(data_dir, create=False).dir(record.dir_name)


def temp_files(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "worlds").rglob(".*.tmp") if p.is_file()]


# -- mounts --------------------------------------------------------------------------------------


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` at `path`; skips where this process may not mount (not root, or no
    CAP_SYS_ADMIN)."""
    path.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and the mount command")
    done = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)


def remount(path: Path, mode: str) -> None:
    """Remount `path` with `mode` ("ro", "rw", "bind,ro", ...)."""
    done = _mount("-o", f"remount,{mode}", str(path))
    assert done.returncode == 0, done.stderr


class SwitchableDir:
    """A directory a test can make read-only and writable again, even under a running server.
    As root, permissions do not stop writes, so it is bind-mounted onto itself and that mount
    remounted ro/rw (skipped where mounting is not allowed; the kernel refuses while a file in
    it is open for writing, as SQLite's catalog is); otherwise the write bits are taken away and
    given back."""

    def __init__(self, path: Path, stack: contextlib.ExitStack) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.as_root = os.geteuid() == 0
        if self.as_root:
            if shutil.which("mount") is None:
                pytest.skip("the mount command is not installed")
            done = _mount("--bind", str(path), str(path))
            if done.returncode != 0:
                pytest.skip(f"cannot bind-mount here: {done.stderr.strip()}")
            stack.callback(lambda: subprocess.run(["umount", "-l", str(path)], capture_output=True))
        stack.callback(self.writable)

    def _chmod(self, write: bool) -> None:
        for root, dirs, files in os.walk(self.path):
            for name in [*dirs, *files, None]:
                target = Path(root) if name is None else Path(root) / name
                mode = target.stat().st_mode
                target.chmod(mode | 0o200 if write else mode & ~0o222)

    def read_only(self) -> None:
        if self.as_root:
            remount(self.path, "bind,ro")
        else:
            self._chmod(False)

    def writable(self) -> None:
        if self.as_root:
            remount(self.path, "bind,rw")
        else:
            self._chmod(True)


class RawExplore:
    """An Explore call that sends whatever bytes a test gives it, valid messages or not, and
    reads responses with a timeout. Ends with the status the server gave."""

    _CLOSE = object()

    def __init__(self, channel: grpc.Channel, metadata=None) -> None:
        import queue
        import threading

        from worldstream.v1 import worldstream_pb2 as pb

        self._queue: queue.Queue = queue.Queue()
        self._responses: queue.Queue = queue.Queue()
        call = channel.stream_stream(
            "/worldstream.v1.WorldStream/Explore",
            request_serializer=lambda b: b,
            response_deserializer=pb.ExploreResponse.FromString,
        )
        self._call = call(iter(self._queue.get, self._CLOSE), metadata=metadata, timeout=60)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for response in self._call:
                self._responses.put(response)
            self._responses.put(None)
        except grpc.RpcError as error:
            self._responses.put(from_rpc_error(error))

    def send(self, message) -> None:
        """A message, or raw bytes."""
        self._queue.put(message if isinstance(message, bytes) else message.SerializeToString())

    def close(self) -> None:
        self._queue.put(self._CLOSE)

    def next(self, timeout: float = 20.0):
        """The next response; None when the stream ended OK; a ClientError when it failed."""
        return self._responses.get(timeout=timeout)

    def until(self, predicate, timeout: float = 30.0):
        """Read until a response satisfies `predicate`; returns it (or the end/error)."""
        deadline = time.monotonic() + timeout
        while True:
            item = self.next(timeout=max(0.1, deadline - time.monotonic()))
            if item is None or isinstance(item, ClientError) or predicate(item):
                return item

    def error(self, timeout: float = 30.0) -> ClientError:
        """Read to the end; the error it ended with (fails if it ended OK)."""
        item = self.until(lambda r: False, timeout)
        assert isinstance(item, ClientError), "the stream ended without an error"
        return item
