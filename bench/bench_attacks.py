"""Peak server memory under each of issue 17's attacks, and what another tenant sees meanwhile.

Run: python bench/bench_attacks.py [--seconds 20] [--only growth_flood unread_stream ...]

Each attack gets a fresh `worldstream serve` process on the default settings (authentication on,
two tenants: the attacker and a victim), so one attack's peak never mixes with another's. Before
the attack the victim creates a world from scikit-image's coffee photo; during it, a victim
client in a process of its own loops: GetWorld, then an Explore stream of its world (no
generation) asking for the spawn view, timing the first tile chunk. The server's resident memory
is sampled from /proc every 20 ms (and VmHWM read at the end). Reported per attack: the server's
RSS after setup, its peak during the attack, the victim's GetWorld and first-tile p50/p99, victim
errors, and what the attacker got.

Attacks (the issue's list):
- max_photo_4096 / _2048 / _1024: two CreateWorld calls at once with a 1.2 MB JPEG at
  max_side_px (1024 is the largest the server accepts).
- growth_flood: a 1,000-splat-budget stream turning and walking through views the photo never
  saw, reading and acking everything, so the server generates as fast as it can.
- unread_stream: a stream that sends views and acks as fast as it can and never reads.
- stalled_exports: six PLY exports of one world that read one message and stall.
- pixel_bombs: a 16-bit PNG of 39.7 MP (about 80 KB) and a float TIFF of 39.7 MP, twice each.
- unauth_uploads: 64 concurrent 31 MiB CreateWorld requests without a token.
- no_start: 64 Explore streams that never send `start`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import multiprocessing
import os
import platform
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import numpy as np
from PIL import Image
from skimage import data

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_name

from worldstream.cli.commands import spawn_camera
from worldstream.client import Client, ClientError
from worldstream.client.requests import start_request, view_request
from worldstream.geometry.camera import look_at
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.v1 import worldstream_pb2_grpc as pb_grpc

ATTACKER = "attacker-token-0123456789abcdef"
VICTIM = "victim-token-0123456789abcdef01"
MiB = 1024 * 1024


# -- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        tokens = root / "tokens.txt"
        tokens.write_text(f"studio-x:{ATTACKER}\nstudio-v:{VICTIM}\n")
        self.log = open(root / "server.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "worldstream",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--data-dir",
                str(root / "data"),
                "--auth",
                "on",
                "--tokens",
                str(tokens),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {(root / 'server.log').read_text()}")
            time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def status(self, key: str) -> int:
        """A /proc/<pid>/status figure in bytes (VmRSS, VmHWM)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Sampler(threading.Thread):
    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(OSError, ValueError):
                self.peak = max(self.peak, self.server.status("VmRSS"))
            time.sleep(0.02)


# -- the victim ---------------------------------------------------------------------------------


@dataclass
class Victim:
    get_ms: list[float] = field(default_factory=list)
    first_tile_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def victim_loop(address: str, world: pb.World, stop, out: Victim) -> None:
    camera = spawn_camera(world, 320, 240)
    with Client(address, timeout=30, token=VICTIM) as c:
        while True:  # at least one probe, then until stopped
            try:
                t0 = time.perf_counter()
                c.get_world(world.name)
                out.get_ms.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                with c.explore(world.name, no_generation=True) as stream:
                    stream.send_view(camera, 0)
                    while True:
                        response = stream.next(timeout=30)
                        if response is None:
                            raise RuntimeError("the stream ended before a tile")
                        if response.WhichOneof("response") == "tile_chunk":
                            out.first_tile_ms.append((time.perf_counter() - t0) * 1000)
                            break
            except (ClientError, RuntimeError, queue.Empty) as exc:
                out.errors.append(f"{type(exc).__name__}: {exc}"[:160])
            if stop.wait(0.1):
                return


def victim_process(address: str, world: bytes, stop, results) -> None:
    """victim_loop in a process of its own; its figures come back through `results`."""
    out = Victim()
    victim_loop(address, pb.World.FromString(world), stop, out)
    results.put(out)


# -- the attacks --------------------------------------------------------------------------------


def big_jpeg() -> bytes:
    """About 1.2 MB: the astronaut at 2400 x 2400, quality 92."""
    image = Image.fromarray(data.astronaut()).resize((2400, 2400), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def png16_bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("I;16", (7720, 5140)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def float_tiff_bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("F", (7720, 5140)).save(buffer, "TIFF", compression="tiff_adobe_deflate")
    return buffer.getvalue()


def create_many(address: str, photos: list[tuple[bytes, int]], token: str | None) -> list[str]:
    """CreateWorld for each (photo, max_side_px) at once; each call's outcome."""
    outcomes: list[str] = []

    def one(photo: bytes, max_side: int) -> None:
        try:
            with Client(address, timeout=600, token=token) as c:
                world = c.create_world(photo, max_side_px=max_side)
                outcomes.append(f"created {world.splat_count:,} splats")
        except ClientError as exc:
            outcomes.append(f"{exc.code.name} {exc.reason}")

    threads = [threading.Thread(target=one, args=p) for p in photos]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def attack_max_photo(side: int) -> Callable[[Server, float], str]:
    def attack(server: Server, seconds: float) -> str:
        photo = big_jpeg()
        outcomes = create_many(server.address, [(photo, side), (photo, side)], ATTACKER)
        return f"{len(photo) / 1e6:.2f} MB JPEG at {side} px, two at once: {outcomes}"

    return attack


def turning_views(world: pb.World, count: int):
    base = spawn_camera(world, 160, 120)
    eye = np.asarray(base.position, np.float64)
    for i in range(count):
        angle = 2 * np.pi * i / 24
        step = eye + np.array([0.3 * np.sin(i / 7), 0.0, 0.3 * np.cos(i / 5)])
        target = step + np.array([np.sin(angle), 0.0, np.cos(angle)]) * 3.0
        yield base.with_pose(look_at(tuple(step), tuple(target)))


def attack_growth_flood(server: Server, seconds: float) -> str:
    with Client(server.address, timeout=60, token=ATTACKER) as c:
        world = c.create_world(jpeg(data.coffee()), world_id="flood")
        end = time.monotonic() + seconds
        warnings: set[str] = set()
        with c.explore(world.name, splat_budget=1000) as stream:
            views = turning_views(world, 10**6)
            sequence = 0
            next_view = 0.0
            while time.monotonic() < end:
                if time.monotonic() >= next_view:
                    stream.send_view(next(views), sequence)
                    sequence += 1
                    next_view = time.monotonic() + 0.1
                try:
                    response = stream.next(timeout=0.05)
                except queue.Empty:
                    continue
                if response is None:
                    break
                kind = response.WhichOneof("response")
                if kind == "tile_chunk":
                    stream.ack(len(response.tile_chunk.data))
                elif kind == "warning":
                    warnings.add(response.warning.reason)
        grown = c.get_world(world.name)
    return (
        f"world grew {world.splat_count:,} -> {grown.splat_count:,} splats "
        f"({grown.frame_count} frames) in {seconds:.0f} s; warnings {sorted(warnings)}"
    )


def jpeg(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def attack_unread_stream(server: Server, seconds: float) -> str:
    with Client(server.address, timeout=60, token=ATTACKER) as c:
        world = c.create_world(jpeg(data.coffee()), world_id="unread")
    views = turning_views(world, 10**7)
    end = time.monotonic() + seconds
    sent = 0

    def requests():
        nonlocal sent
        yield start_request(world.name, no_generation=True)
        while time.monotonic() < end:
            sent += 1
            yield view_request(next(views), sent) if sent % 2 else pb.ExploreRequest(
                ack=pb.TileAck(bytes=1)
            )

    with grpc.insecure_channel(server.address) as channel:
        stub = pb_grpc.WorldStreamStub(channel)
        call = stub.Explore(requests(), metadata=(("authorization", f"Bearer {ATTACKER}"),))
        time.sleep(seconds)  # never reads a response
        call.cancel()
    return f"{sent:,} requests written in {seconds:.0f} s, no response read"


def attack_stalled_exports(server: Server, seconds: float) -> str:
    with Client(server.address, timeout=60, token=ATTACKER) as c:
        world = c.create_world(jpeg(data.coffee()), world_id="exported")
    channel = grpc.insecure_channel(server.address)
    stub = pb_grpc.WorldStreamStub(channel)
    metadata = (("authorization", f"Bearer {ATTACKER}"),)
    calls, first = [], []
    for _ in range(6):
        call = stub.ExportWorld(
            pb.ExportWorldRequest(name=world.name, format=pb.EXPORT_FORMAT_PLY), metadata=metadata
        )
        try:
            first.append(next(call).WhichOneof("response"))
        except grpc.RpcError as exc:
            first.append(exc.code().name)
        calls.append(call)
    time.sleep(seconds)
    for call in calls:
        call.cancel()
    channel.close()
    return f"6 PLY exports of {world.splat_count:,} splats stalled after one message: {first}"


def attack_pixel_bombs(server: Server, seconds: float) -> str:
    png, tiff = png16_bomb(), float_tiff_bomb()
    outcomes = create_many(server.address, [(png, 0), (png, 0), (tiff, 0), (tiff, 0)], ATTACKER)
    return f"16-bit PNG {len(png) / 1e3:.0f} KB and float TIFF {len(tiff) / 1e3:.0f} KB: {outcomes}"


def attack_unauth_uploads(server: Server, seconds: float) -> str:
    body = os.urandom(31 * MiB)
    outcomes = create_many(server.address, [(body, 0)] * 64, token=None)
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o] = counts.get(o, 0) + 1
    return f"64 x 31 MiB without a token: {counts}"


def attack_no_start(server: Server, seconds: float) -> str:
    channel = grpc.insecure_channel(server.address)
    stub = pb_grpc.WorldStreamStub(channel)
    metadata = (("authorization", f"Bearer {ATTACKER}"),)
    hold = threading.Event()

    def nothing():
        hold.wait()
        return
        yield  # a generator that sends nothing until released

    calls = [stub.Explore(nothing(), metadata=metadata) for _ in range(64)]
    ended: list[str] = []

    def watch(call) -> None:
        try:
            for _ in call:
                pass
            ended.append("OK")
        except grpc.RpcError as exc:
            ended.append(exc.code().name)

    watchers = [threading.Thread(target=watch, args=(call,), daemon=True) for call in calls]
    for w in watchers:
        w.start()
    time.sleep(seconds)
    hold.set()
    for call in calls:
        call.cancel()
    channel.close()
    counts: dict[str, int] = {}
    for e in ended:
        counts[e] = counts.get(e, 0) + 1
    return f"64 streams without start; ended by the server within {seconds:.0f} s: {counts}"


ATTACKS: dict[str, Callable[[Server, float], str]] = {
    "max_photo_4096": attack_max_photo(4096),
    "max_photo_2048": attack_max_photo(2048),
    "max_photo_1024": attack_max_photo(1024),
    "growth_flood": attack_growth_flood,
    "unread_stream": attack_unread_stream,
    "stalled_exports": attack_stalled_exports,
    "pixel_bombs": attack_pixel_bombs,
    "unauth_uploads": attack_unauth_uploads,
    "no_start": attack_no_start,
}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_one(name: str, seconds: float) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"attack-{name}-") as tmp:
        server = Server(Path(tmp))
        try:
            with Client(server.address, timeout=120, token=VICTIM) as c:
                world = c.create_world(jpeg(data.coffee()), world_id="victim-world")
            # One untimed probe: the world's first load and the payload encodes are not the
            # attack's doing.
            warm = threading.Event()
            warm.set()
            victim_loop(server.address, world, warm, Victim())
            settled = server.status("VmRSS")
            sampler = Sampler(server)
            sampler.start()
            # The victim in a process of its own: in the attacker's, it would wait for the
            # attacker's threads (the GIL) and time the bench, not the server.
            spawn = multiprocessing.get_context("spawn")
            stop, results = spawn.Event(), spawn.Queue()
            prober = spawn.Process(
                target=victim_process,
                args=(server.address, world.SerializeToString(), stop, results),
                daemon=True,
            )
            prober.start()
            t0 = time.monotonic()
            outcome = ATTACKS[name](server, seconds)
            took = time.monotonic() - t0
            stop.set()
            victim = results.get(timeout=120)
            prober.join(60)
            sampler.stop.set()
            sampler.join()
            peak = max(sampler.peak, server.status("VmHWM"))
            alive = server.process.poll() is None
        finally:
            server.stop()
    return {
        "attack": name,
        "outcome": outcome,
        "seconds": took,
        "rss_settled_mib": settled / MiB,
        "rss_peak_mib": peak / MiB,
        "get_p50": pct(victim.get_ms, 0.5),
        "get_p99": pct(victim.get_ms, 0.99),
        "tile_p50": pct(victim.first_tile_ms, 0.5),
        "tile_p99": pct(victim.first_tile_ms, 0.99),
        "probes": len(victim.get_ms),
        "victim_errors": victim.errors,
        "server_alive": alive,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of timed attacks")
    parser.add_argument("--only", nargs="*", choices=sorted(ATTACKS), help="attacks to run")
    args = parser.parse_args()
    names = args.only or list(ATTACKS)
    print(
        f"{datetime.date.today()}, {cpu_name()}, {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}"
    )
    print(
        "| attack | server RSS settled / peak MiB | victim GetWorld p50 / p99 ms "
        "| victim first tile p50 / p99 ms | probes | victim errors |"
    )
    print("|---|---:|---:|---:|---:|---|")
    outcomes = []
    for name in names:
        r = run_one(name, args.seconds)
        outcomes.append((name, r["outcome"], r["server_alive"]))
        print(
            f"| {name} | {r['rss_settled_mib']:.0f} / {r['rss_peak_mib']:.0f} "
            f"| {r['get_p50']:.1f} / {r['get_p99']:.1f} "
            f"| {r['tile_p50']:.1f} / {r['tile_p99']:.1f} "
            f"| {r['probes']} | {len(r['victim_errors'])} {r['victim_errors'][:2]} |",
            flush=True,
        )
    print()
    for name, outcome, alive in outcomes:
        print(f"- {name}: {outcome}{'' if alive else ' (THE SERVER DIED)'}")


if __name__ == "__main__":
    main()
