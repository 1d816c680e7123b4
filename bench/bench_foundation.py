"""Foundation hot paths, timed in one process: world creation, tile encode/decode, a whole world
streamed over Explore on loopback (one client, then several at once), PLY export.

    .venv/bin/python bench/bench_foundation.py [--repeats 5] [--clients 4]

What is timed: wall-clock per operation, median over the repeats after one warm-up. The world is
scikit-image's coffee photo at 600x400 = 240,000 splats (the `prior` backend). Streaming is from
sending the first view to the server's "view complete", through a real gRPC channel, the client
reassembling, decoding and acknowledging every tile as an engine plugin would.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from PIL import Image
from skimage import data

from worldstream.api.config import ServerConfig
from worldstream.api.inprocess import ServerThread
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client
from worldstream.geometry.engine import EngineFrame
from worldstream.store.store import Store
from worldstream.tiles import raw
from worldstream.tiles.chunks import Reassembler
from worldstream.tiles.decode import decode_payload
from worldstream.tiles.encode import encode_tile_raw
from worldstream.world.export_ply import ply_bytes
from worldstream.world.worlds import Worlds


def timed(fn, repeats: int) -> tuple[float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def stream_world(address: str, world) -> int:
    """Stream everything the spawn view needs; returns payload bytes received."""
    camera = spawn_camera(world, 320, 240)
    received, assembler = 0, Reassembler()
    with Client(address) as client, client.explore(world.name) as stream:
        stream.send_view(camera, 0)
        while True:
            response = stream.next(timeout=60)
            kind = response.WhichOneof("response")
            if kind == "tile_chunk":
                c = response.tile_chunk
                key = (c.key.x, c.key.y, c.key.z, c.key.lod)
                payload = assembler.add(key, c.version, c.chunk_index, c.chunk_count, c.data)
                if payload is not None:
                    decode_payload(payload)
                    received += len(payload)
                    stream.ack(len(payload))
            elif kind == "view_status" and response.view_status.complete:
                return received


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    buffer = io.BytesIO()
    Image.fromarray(data.coffee()).save(buffer, "JPEG", quality=95)
    photo = buffer.getvalue()
    rows: list[tuple[str, str, str]] = []

    with tempfile.TemporaryDirectory() as tmp:
        worlds = Worlds(Store(Path(tmp) / "direct"))
        counter = iter(range(10_000))
        t, record = timed(
            lambda: worlds.create(photo, world_id=f"bench-{next(counter)}"), args.repeats
        )
        rows.append(
            (
                "create world (decode, seed, lift, save)",
                f"{t * 1000:.0f} ms",
                f"{record.splat_count / t / 1e6:.2f} M splats/s",
            )
        )

        loaded = worlds.load(record.id)
        tiles = list(loaded.tiles.values())
        n = sum(tile.splat_count for tile in tiles)
        for frame in (EngineFrame.GLTF, EngineFrame.UNREAL):
            t, payloads = timed(
                lambda f=frame: [encode_tile_raw(loaded.gaussians, tile, f) for tile in tiles],
                args.repeats,
            )
            rows.append(
                (
                    f"encode all tiles, raw, {frame.value}",
                    f"{t * 1000:.1f} ms",
                    f"{n / t / 1e6:.1f} M splats/s",
                )
            )
        t, _ = timed(lambda: [raw.decode(p) for p in payloads], args.repeats)
        rows.append(
            ("decode all tiles, raw", f"{t * 1000:.2f} ms", f"{n / t / 1e6:.0f} M splats/s")
        )
        t, ply = timed(lambda: ply_bytes(loaded.gaussians), args.repeats)
        rows.append(
            ("PLY export (in memory)", f"{t * 1000:.0f} ms", f"{len(ply) / t / 1e6:.0f} MB/s")
        )

        with ServerThread(ServerConfig(port=0, data_dir=Path(tmp) / "served")) as server:
            with Client(server.address) as client:
                world = client.create_world(photo)
            t, nbytes = timed(lambda: stream_world(server.address, world), args.repeats)
            rows.append(
                (
                    "Explore: whole world to 1 client",
                    f"{t * 1000:.0f} ms",
                    f"{nbytes / t / 1e6:.0f} MB/s",
                )
            )

            def many() -> float:
                results: list[int] = []
                threads = [
                    threading.Thread(
                        target=lambda: results.append(stream_world(server.address, world))
                    )
                    for _ in range(args.clients)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                assert len(results) == args.clients
                return sum(results)

            t, total = timed(many, args.repeats)
            rows.append(
                (
                    f"Explore: whole world to {args.clients} clients at once",
                    f"{t * 1000:.0f} ms",
                    f"{total / t / 1e6:.0f} MB/s in all",
                )
            )

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )
    print(
        f"date: {date.today().isoformat()}; world: {record.splat_count:,} splats, "
        f"{len(tiles)} tiles, {sum(len(p) for p in payloads) / 1e6:.1f} MB raw; "
        f"median of {args.repeats}\n"
    )
    print("| operation | median | throughput |")
    print("|---|---:|---:|")
    for name, t, rate in rows:
        print(f"| {name} | {t} | {rate} |")


if __name__ == "__main__":
    main()
