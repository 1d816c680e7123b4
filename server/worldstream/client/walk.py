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

from worldstream.client.fidelity import (
    Reference,
    ReferenceWorld,
    held_image,
    psnr_8bit,
    to_8bit,
)
from worldstream.client.sync import Client
from worldstream.geometry.camera import Camera
from worldstream.geometry.engine import EngineFrame
from worldstream.geometry.gaussians import Gaussians
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
    bytes_received: int = 0  # payload bytes of the tiles that arrived for this pose
    # The world version the view completed on (ViewStatus.world_version; the reference export's
    # version when the server does not say).
    world_version: int = 0
    # walk(fidelity=True): PSNR of this render against the whole world at full detail at
    # world_version, both as 8-bit images (client/fidelity.py); None otherwise.
    fidelity_db: float | None = None


@dataclass
class WalkReport:
    world: str
    poses: list[PoseReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Over the complete poses (walk(fidelity=True)); None when none was measured.
    fidelity_db_worst: float | None = None
    fidelity_db_median: float | None = None
    # Poses with the same pose (out and back): PSNR between the client's two renders.
    pair_poses: list[list[int]] = field(default_factory=list)
    pair_agreement_db: list[float] = field(default_factory=list)
    pair_agreement_db_worst: float | None = None

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

    def manifest(self) -> dict[tuple[int, int, int, int], tuple[int, int]]:
        """What a resumed stream is told the client holds: key -> (version, splat count); the
        server keeps the budget against these counts, which for an older version may differ
        from the current one's."""
        return {(*cell, lod): (version, t.count) for cell, (lod, version, t) in self.tiles.items()}

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


class _Pose:
    """What arrived while one pose waited."""

    def __init__(self, sent: float) -> None:
        self.sent = sent
        self.first: float | None = None
        self.finished: float | None = None
        self.received = 0
        self.bytes = 0
        self.jobs: set[str] = set()
        self.complete = False
        self.version = 0  # the world version of the latest complete status for the pose


def _read(
    stream, assembler, held, report, pose: _Pose, index: int, deadline: float, at_least: int = 0
) -> bool:
    """Handle responses until a complete status for view `index` at world version `at_least` or
    later, or `deadline`; True when that status came."""
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return False
        try:
            response = stream.next(timeout=remaining)
        except queue.Empty:
            return False
        if response is None:
            return False
        kind = response.WhichOneof("response")
        if kind == "header":
            held.world_uid = response.header.world.uid
        elif kind == "tile_chunk":
            chunk = response.tile_chunk
            if pose.first is None:
                pose.first = time.perf_counter() - pose.sent
            payload = assembler.add(
                _key(chunk.key),
                chunk.version,
                chunk.chunk_index,
                chunk.chunk_count,
                chunk.data,
            )
            if payload is not None:
                held.put(_key(chunk.key), chunk.version, decode_payload(payload))
                pose.received += 1
                pose.bytes += len(payload)
                stream.ack(len(payload))
        elif kind == "generation":
            pose.jobs.add(response.generation.job)
        elif kind == "tile_removal":
            held.drop(_key(response.tile_removal.key))
        elif kind == "warning":
            said = response.warning
            report.warnings.append(f"{said.reason}: {said.message}")
            if said.reason == "VIEW_OVER_BUDGET" and said.metadata.get("sequence") == str(index):
                return False  # this view can never be complete: waiting would only time out
        elif kind == "view_status":
            status = response.view_status
            if status.sequence == index and status.complete:
                pose.complete = True
                if pose.finished is None:
                    pose.finished = time.perf_counter() - pose.sent
                pose.version = status.world_version
                if status.world_version >= at_least:
                    return True


def _reference_at(
    references: ReferenceWorld,
    stream,
    assembler,
    held,
    report,
    pose: _Pose,
    index: int,
    deadline: float,
) -> Reference:
    """The whole world at the version the view completed on. Where the world grew after the
    view completed (the export is newer), the stream is read on until the view completes at
    the export's version, so that the client's render and the reference show the same world."""
    reference = references.latest()
    while pose.version and reference.version != pose.version:
        grew = reference.version > pose.version
        if grew and not _read(
            stream, assembler, held, report, pose, index, deadline, reference.version
        ):
            break  # the pose's time ran out
        newer = references.latest()  # the view completed on a newer world, or it grew again
        if not grew and newer.version == reference.version:
            break  # an export older than the status: the server cannot give the reference
        reference = newer
    if pose.version and reference.version != pose.version:
        report.warnings.append(
            f"pose {index}: the view completed at world version {pose.version}; "
            f"its reference is version {reference.version}"
        )
    return reference


def _summarise(report: WalkReport, poses: list[np.ndarray], out_dir: Path) -> None:
    """Worst and median fidelity of the complete poses; agreement of poses that coincide."""
    measured = [p.fidelity_db for p in report.poses if p.complete and p.fidelity_db is not None]
    if measured:
        report.fidelity_db_worst = min(measured)
        report.fidelity_db_median = float(np.median(measured))
    done = report.poses
    for i, a in enumerate(done):
        for b in done[i + 1 :]:
            if np.allclose(poses[a.index], poses[b.index], rtol=0.0, atol=1e-6):
                image_a = np.asarray(Image.open(out_dir / a.image).convert("RGB"))
                image_b = np.asarray(Image.open(out_dir / b.image).convert("RGB"))
                report.pair_poses.append([a.index, b.index])
                report.pair_agreement_db.append(psnr_8bit(image_a, image_b))
    if report.pair_agreement_db:
        report.pair_agreement_db_worst = min(report.pair_agreement_db)


def walk(
    client: Client,
    world: str,
    poses: list[np.ndarray],
    out_dir: Path,
    camera: Camera,
    timeout_s: float = 30.0,
    held: HeldTiles | None = None,
    on_pose=None,
    fidelity: bool = False,
    encodings: tuple[int, ...] | None = None,
    splat_budget: int = 0,
) -> WalkReport:
    """Drive `camera` (intrinsics, image size) along `poses` (world-to-camera [4,4]).

    With `fidelity`, each pose is also rendered from the whole world at full detail (its PLY
    export) at the world version the view completed on, saved beside the client's render as
    ref_XXX.png, and compared with it (PoseReport.fidelity_db). `encodings`: the tile encodings
    to accept, in order of preference (proto TileEncoding numbers; None: the client's default,
    quantized first). `splat_budget`: the most splats to hold (0: the server's default); a pose
    whose view the budget cannot hold ends on the server's VIEW_OVER_BUDGET, not complete."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    held = held or HeldTiles()
    report = WalkReport(world=world)
    assembler = Reassembler()
    references = ReferenceWorld(client, world) if fidelity else None
    start: dict = {"splat_budget": splat_budget}
    if encodings is not None:
        start["encodings"] = tuple(encodings)
    stream = client.explore(
        world, EngineFrame.GLTF, held=held.manifest(), world_uid=held.world_uid, **start
    )
    try:
        for index, w2c in enumerate(poses):
            view = camera.with_pose(w2c)
            sent = time.perf_counter()
            stream.send_view(view, index)
            pose = _Pose(sent)
            deadline = sent + timeout_s
            _read(stream, assembler, held, report, pose, index, deadline)
            reference = None
            if references is not None and pose.complete:
                reference = _reference_at(
                    references, stream, assembler, held, report, pose, index, deadline
                )
            result = held_image(held.gaussians(), view)
            image = f"pose_{index:03d}.png"
            rgb8 = to_8bit(result.rgb)
            Image.fromarray(rgb8).save(out_dir / image)
            fidelity_db = None
            if references is not None:
                if reference is None:  # timed out: measured against the world as it is now
                    reference = references.latest()
                ref8 = reference.image(view)
                Image.fromarray(ref8).save(out_dir / f"ref_{index:03d}.png")
                fidelity_db = psnr_8bit(rgb8, ref8)
            pose_report = PoseReport(
                index=index,
                position=[float(v) for v in view.position],
                complete=pose.complete,
                time_to_first_tile_s=pose.first,
                time_to_complete_s=pose.finished,
                tiles_received=pose.received,
                tiles_resident=len(held.tiles),
                splats_resident=held.splat_count,
                hole_fraction=float(np.mean(result.alpha < 0.5)),
                image=image,
                generation_jobs=len(pose.jobs),
                bytes_received=pose.bytes,
                world_version=pose.version or (reference.version if reference else 0),
                fidelity_db=fidelity_db,
            )
            report.poses.append(pose_report)
            if on_pose is not None:
                on_pose(pose_report)
    finally:
        stream.close()
    _summarise(report, poses, out_dir)
    (out_dir / "report.json").write_text(report.to_json())
    return report
