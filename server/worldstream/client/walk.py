"""The reference client: walk a camera path through Explore, render what it holds at each pose.

It behaves as an engine plugin would: declares its frame (glTF, which is the world frame),
sends a view per pose, reassembles and decodes tile chunks, acks them, obeys removals, and waits
for the server to say the view is complete (or a timeout) before it renders the pose.
"""

from __future__ import annotations

import json
import queue
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from worldstream.client.sync import Client
from worldstream.geometry.camera import Camera
from worldstream.geometry.engine import EngineFrame
from worldstream.geometry.gaussians import Gaussians
from worldstream.render import render
from worldstream.tiles.chunks import Reassembler
from worldstream.tiles.decode import decode_payload
from worldstream.tiles.raw import RawTile


@dataclass
class PoseReport:
    index: int
    position: list[float]
    complete: bool  # the server said the view was complete before the timeout
    time_to_first_tile_s: float | None  # None when the pose needed no new tile
    time_to_complete_s: float | None
    tiles_received: int
    tiles_resident: int
    splats_resident: int
    hole_fraction: float  # pixels with alpha < 0.5
    image: str
    generation_jobs: int = 0  # generation jobs the server reported while the pose waited


@dataclass
class WalkReport:
    world: str
    poses: list[PoseReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


class HeldTiles:
    """Decoded tiles the client holds: one level of detail per cell, keyed by cell (x, y, z) ->
    (lod, version, arrays). A tile that arrives replaces what its cell held (the proto's rule)."""

    def __init__(self) -> None:
        self.tiles: dict[tuple[int, int, int], tuple[int, int, RawTile]] = {}
        self.world_uid = ""  # the World.uid of the stream the tiles came from

    def put(self, key: tuple[int, int, int, int], version: int, tile: RawTile) -> None:
        self.tiles[key[:3]] = (key[3], version, tile)

    def drop(self, key: tuple[int, int, int, int]) -> None:
        self.tiles.pop(key[:3], None)

    def manifest(self) -> dict[tuple[int, int, int, int], int]:
        return {(*cell, lod): version for cell, (lod, version, _) in self.tiles.items()}

    @property
    def splat_count(self) -> int:
        return sum(t.count for _, _, t in self.tiles.values())

    def gaussians(self) -> Gaussians:
        """Everything held as one set (glTF frame = world frame, so no conversion)."""
        parts = [
            Gaussians.from_numpy(
                {
                    "means": t.absolute_positions(),
                    "quats": t.quats,
                    "log_scales": t.log_scales,
                    "opacity_logits": t.opacity_logits,
                    "sh": t.sh,
                }
            )
            for _, _, t in self.tiles.values()
        ]
        return Gaussians.concat(parts)


def _key(k) -> tuple[int, int, int, int]:
    return (k.x, k.y, k.z, k.lod)


def walk(
    client: Client,
    world: str,
    poses: list[np.ndarray],
    out_dir: Path,
    camera: Camera,
    timeout_s: float = 30.0,
    held: HeldTiles | None = None,
    on_pose=None,
) -> WalkReport:
    """Drive `camera` (intrinsics, image size) along `poses` (world-to-camera [4,4])."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    held = held or HeldTiles()
    report = WalkReport(world=world)
    assembler = Reassembler()
    stream = client.explore(
        world, EngineFrame.GLTF, held=held.manifest(), world_uid=held.world_uid
    )
    try:
        for index, w2c in enumerate(poses):
            view = camera.with_pose(w2c)
            sent = time.perf_counter()
            stream.send_view(view, index)
            first, finished, received, complete = None, None, 0, False
            jobs: set[str] = set()
            deadline = sent + timeout_s
            while not complete:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    break
                try:
                    response = stream.next(timeout=remaining)
                except queue.Empty:
                    break
                if response is None:
                    break
                kind = response.WhichOneof("response")
                if kind == "header":
                    held.world_uid = response.header.world.uid
                elif kind == "tile_chunk":
                    chunk = response.tile_chunk
                    if first is None:
                        first = time.perf_counter() - sent
                    payload = assembler.add(
                        _key(chunk.key),
                        chunk.version,
                        chunk.chunk_index,
                        chunk.chunk_count,
                        chunk.data,
                    )
                    if payload is not None:
                        held.put(_key(chunk.key), chunk.version, decode_payload(payload))
                        received += 1
                        stream.ack(len(payload))
                elif kind == "generation":
                    jobs.add(response.generation.job)
                elif kind == "tile_removal":
                    held.drop(_key(response.tile_removal.key))
                elif kind == "warning":
                    report.warnings.append(f"{response.warning.reason}: {response.warning.message}")
                elif kind == "view_status":
                    status = response.view_status
                    if status.sequence == index and status.complete:
                        complete = True
                        finished = time.perf_counter() - sent
            result = render(held.gaussians(), view, background=(0.0, 0.0, 0.0))
            image = f"pose_{index:03d}.png"
            rgb8 = (np.clip(result.rgb, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
            Image.fromarray(rgb8).save(out_dir / image)
            pose_report = PoseReport(
                index=index,
                position=[float(v) for v in view.position],
                complete=complete,
                time_to_first_tile_s=first,
                time_to_complete_s=finished,
                tiles_received=received,
                tiles_resident=len(held.tiles),
                splats_resident=held.splat_count,
                hole_fraction=float(np.mean(result.alpha < 0.5)),
                image=image,
                generation_jobs=len(jobs),
            )
            report.poses.append(pose_report)
            if on_pose is not None:
                on_pose(pose_report)
    finally:
        stream.close()
    (out_dir / "report.json").write_text(report.to_json())
    return report
