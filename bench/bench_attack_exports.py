"""Stalled exports against another tenant's catalog reads, and the memory they hold.

Run: python bench/bench_attack_exports.py [--exports 6] [--side 1024] [--gets 200]

A real `worldstream serve` (a subprocess, authentication on, two tenants). Tenant A creates a
world from skimage's coffee photo at `--side` px, then opens `--exports` PLY exports of it at
once and reads none of them past their first chunk (its channels keep gRPC's initial window,
so the server is held back as a stalled reader holds it). Meanwhile tenant B calls GetWorld on
its own world `--gets` times, one after another. Twice: cold (the exports start as B begins:
the world is loaded and its file written meanwhile) and warm (written before). The server's
resident set (VmRSS) is sampled every 10 ms. Linux only.
"""

from __future__ import annotations

import argparse
import datetime
import io
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import grpc
from bench_attack_uploads import start_server, status_kib  # bench/ is on sys.path
from machine import cpu_name
from PIL import Image
from skimage import data

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from worldstream.v1 import worldstream_pb2 as pb

TOKEN_A = "bench-export-token-a-0123456789"
TOKEN_B = "bench-export-token-b-0123456789"
A = [("authorization", f"Bearer {TOKEN_A}")]
B = [("authorization", f"Bearer {TOKEN_B}")]
SMALL_WINDOW = [("grpc.http2.bdp_probe", 0)]
SERVICE = "/worldstream.v1.WorldStream/"


def photo(side: int) -> bytes:
    image = Image.fromarray(data.coffee())
    image = image.resize((side, round(side * image.height / image.width)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def create(channel, jpeg: bytes, world_id: str, metadata, side: int) -> pb.World:
    request = pb.CreateWorldRequest(photo=jpeg, world_id=world_id)
    request.options.max_side_px = side
    call = channel.unary_stream(
        SERVICE + "CreateWorld", response_deserializer=pb.CreateWorldResponse.FromString
    )
    replies = list(call(request.SerializeToString(), metadata=metadata, timeout=600))
    return replies[-1].world


def stalled_export(channel, name: str) -> tuple[object, int]:
    """An export read up to its first chunk; (the call, the file's size)."""
    request = pb.ExportWorldRequest(name=name, format=pb.EXPORT_FORMAT_PLY)
    call = channel.unary_stream(
        SERVICE + "ExportWorld", response_deserializer=pb.ExportWorldResponse.FromString
    )(request.SerializeToString(), metadata=A, timeout=600)
    size = 0
    for reply in call:
        if reply.WhichOneof("response") == "header":
            size = reply.header.total_bytes
        elif reply.WhichOneof("response") == "chunk":
            return call, size
    raise SystemExit("an export ended before its first chunk")


def get_times(channel, name: str, count: int) -> list[float]:
    request = pb.GetWorldRequest(name=name).SerializeToString()
    get = channel.unary_unary(SERVICE + "GetWorld")
    times = []
    for _ in range(count):
        start = time.perf_counter()
        get(request, metadata=B, timeout=600)
        times.append((time.perf_counter() - start) * 1000)
    return times


def run(address: str, pid: int, world: str, other: str, args) -> dict:
    channels = [grpc.insecure_channel(address, options=SMALL_WINDOW) for _ in range(args.exports)]
    results: list = [None] * args.exports
    peak, done = status_kib(pid, "VmRSS"), threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, status_kib(pid, "VmRSS"))
            time.sleep(0.01)

    def one(i: int) -> None:
        try:
            results[i] = stalled_export(channels[i], world)
        except grpc.RpcError as error:  # e.g. over the tenant's export limit
            results[i] = error.code().name

    before = status_kib(pid, "VmRSS")
    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(args.exports)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    with grpc.insecure_channel(address) as b:
        times = get_times(b, other, args.gets)
    for t in threads:
        t.join()
    ready = time.perf_counter() - start
    time.sleep(1.0)
    held = status_kib(pid, "VmRSS")
    done.set()
    sampler.join()
    stalled = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if not isinstance(r, tuple)]
    for call, _ in stalled:
        call.cancel()
    for channel in channels:
        channel.close()
    times.sort()
    return {
        "size": stalled[0][1],
        "stalled": len(stalled),
        "refused": ", ".join(sorted(set(refused))) or "-",
        "before": before / 1024,
        "peak": peak / 1024,
        "held": held / 1024,
        "ready": ready,
        "p50": statistics.median(times),
        "p99": times[min(len(times) - 1, int(0.99 * len(times)))],
        "max": times[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=int, default=6)
    parser.add_argument("--side", type=int, default=1024)
    parser.add_argument("--gets", type=int, default=200)
    args = parser.parse_args()
    tokens = f"studio-a:{TOKEN_A},studio-b:{TOKEN_B}"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        process, address = start_server(Path(tmp) / "data", tokens)
        try:
            with grpc.insecure_channel(address) as channel:
                world = create(channel, photo(args.side), "big", A, args.side)
                other = create(channel, photo(256), "small", B, 256)
            # A restart-free "cold" start: the world was just created, so neither loaded for
            # export nor written as PLY yet.
            rows.append(("cold", run(address, process.pid, world.name, other.name, args)))
            rows.append(("warm", run(address, process.pid, world.name, other.name, args)))
        finally:
            process.terminate()
            process.wait(30)
    print(f"# bench_attack_exports {datetime.date.today()} on {cpu_name()}, {platform.system()}")
    print(
        f"{args.exports} stalled PLY exports of a {world.splat_count:,}-splat world "
        f"({rows[0][1]['size'] / 2**20:.0f} MiB file) by tenant A; {args.gets} GetWorld calls "
        "of tenant B meanwhile"
    )
    columns = ["exports", "stalled", "refused", "RSS before", "peak", "held 1 s after"]
    columns += ["GetWorld p50", "p99", "max"]
    print("| " + " | ".join(columns) + " |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        cells = [name, str(r["stalled"]), r["refused"]]
        cells += [f"{r[k]:.0f} MiB" for k in ("before", "peak", "held")]
        cells += [f"{r[k]:.1f} ms" for k in ("p50", "p99", "max")]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
