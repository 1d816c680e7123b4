"""Memory of a server under many large request bodies at once: the resident size it reaches and
what it keeps afterwards.

Run: python bench/bench_attack_uploads.py [--requests 64] [--mib 31] [--connections 64]
     [--mode unauthenticated|oversize-photo|get-world]

A real `worldstream serve` (a subprocess, authentication on, loopback) on a fresh data dir.
`--requests` calls of `CreateWorld` (or `GetWorld` with --mode get-world), each a request
message of `--mib` MiB (under the server's 32 MiB receive limit), all sent at once over
`--connections` connections:
- unauthenticated: no token (the server answers UNAUTHENTICATED);
- oversize-photo: a valid token and a 31 MiB photo, above the 20 MiB photo limit
  (PHOTO_TOO_LARGE, or CREATION_UPLOAD_LIMIT_REACHED where the tenant's bodies in flight are
  capped);
- get-world: a valid token and a GetWorld request padded with an unknown field to `--mib` MiB.
The server's resident set (VmRSS of /proc/<pid>/status) is sampled every 10 ms during the attack
(peak) and read 2 s after the last answer (left); VmHWM is the kernel's own peak. Linux only.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import grpc
from machine import cpu_name  # bench/ is on sys.path when a bench runs as a script
from serve import start_serve

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from worldstream.v1 import worldstream_pb2 as pb

TOKEN = "bench-attack-token-0123456789abcdef"
MiB = 1024 * 1024
CREATE = "/worldstream.v1.WorldStream/CreateWorld"
GET = "/worldstream.v1.WorldStream/GetWorld"
MODES = ["unauthenticated", "oversize-photo", "get-world"]


def status_kib(pid: int, field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    return int(match.group(1)) if match else 0


def start_server(data_dir: Path, tokens: str = f"bench:{TOKEN}") -> tuple[subprocess.Popen, str]:
    """`worldstream serve` of this checkout, authentication on with `tokens` (TENANT:TOKEN,...)."""
    return start_serve(data_dir, auth=True, env={"WORLDSTREAM_TOKENS": tokens})


def payload(mode: str, mib: int) -> tuple[str, bytes]:
    size = mib * MiB
    if mode == "get-world":
        # Field 15 (unknown to GetWorldRequest: kept, not rejected) as a length-delimited blob.
        head = pb.GetWorldRequest(name="worlds/nothing").SerializeToString()
        blob = b"\0" * (size - 16)
        return GET, head + _varint(15 << 3 | 2) + _varint(len(blob)) + blob
    return CREATE, pb.CreateWorldRequest(photo=b"\xff" * (size - 16)).SerializeToString()


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def attack(address: str, mode: str, requests: int, connections: int, mib: int) -> dict[str, int]:
    method, body = payload(mode, mib)
    metadata = None if mode == "unauthenticated" else [("authorization", f"Bearer {TOKEN}")]
    options = [("grpc.max_send_message_length", 64 * MiB)]
    channels = [grpc.insecure_channel(address, options=options) for _ in range(connections)]
    outcomes: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()
    go = threading.Barrier(requests)

    def one(i: int) -> None:
        channel = channels[i % connections]
        go.wait()
        try:
            if method == CREATE:
                for _ in channel.unary_stream(method)(body, timeout=120, metadata=metadata):
                    pass
            else:
                channel.unary_unary(method)(body, timeout=120, metadata=metadata)
            outcome = "OK"
        except grpc.RpcError as error:
            outcome = error.code().name
            for key, value in error.trailing_metadata() or ():
                if key == "grpc-status-details-bin":
                    match = re.search(rb"\x12\x0bworldstream|([A-Z][A-Z_]{5,})", value)
                    outcome += f" {match.group(1).decode()}" if match and match.group(1) else ""
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=one, args=(i,)) for i in range(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for channel in channels:
        channel.close()
    return dict(outcomes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--mib", type=int, default=31)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--mode",
        choices=["unauthenticated", "oversize-photo", "get-world"],
        default="unauthenticated",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, address = start_server(Path(tmp) / "data")
        try:
            time.sleep(1.0)
            before = status_kib(process.pid, "VmRSS")
            peak, done = before, threading.Event()

            def sample() -> None:
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, status_kib(process.pid, "VmRSS"))
                    time.sleep(0.01)

            sampler = threading.Thread(target=sample)
            sampler.start()
            start = time.perf_counter()
            outcomes = attack(address, args.mode, args.requests, args.connections, args.mib)
            seconds = time.perf_counter() - start
            time.sleep(2.0)
            done.set()
            sampler.join()
            left = status_kib(process.pid, "VmRSS")
            hwm = status_kib(process.pid, "VmHWM")
        finally:
            process.terminate()
            process.wait(30)
    print(f"# bench_attack_uploads {datetime.date.today()} on {cpu_name()}, {platform.system()}")
    print(
        f"mode {args.mode}: {args.requests} requests of {args.mib} MiB over {args.connections} "
        f"connections, {seconds:.1f} s"
    )
    print(f"answers: {outcomes}")
    print("| RSS before | peak (sampled) | VmHWM | left 2 s after |")
    print("|---:|---:|---:|---:|")
    print(
        f"| {before / 1024:.0f} MiB | {peak / 1024:.0f} MiB | {hwm / 1024:.0f} MiB "
        f"| {left / 1024:.0f} MiB |"
    )


if __name__ == "__main__":
    main()
