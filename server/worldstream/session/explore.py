"""An Explore session's state: what the client holds, what its view needs, what to send next.

Synchronous and free of I/O so it can be tested directly; api/explore.py drives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from worldstream.geometry.camera import Camera
from worldstream.session.priority import TileBoxes, visible_tiles
from worldstream.tiles.grid import Tile, TileKey


@dataclass(frozen=True)
class SessionLimits:
    splat_budget: int
    credit_bytes: int


@dataclass
class ViewStatusEvent:
    sequence: int
    complete: bool
    pending_tiles: int
    resident_splats: int


@dataclass
class ExploreSession:
    tiles: dict[TileKey, Tile]
    limits: SessionLimits
    frustum_margin: float
    # What the client holds: key -> (version, splat count). Starts from its resume manifest.
    held: dict[TileKey, tuple[int, int]] = field(default_factory=dict)
    in_flight_bytes: int = 0
    sequence: int = -1
    _needed: list[Tile] = field(default_factory=list)
    _reported: tuple[int, bool] | None = None
    _boxes: TileBoxes | None = None

    @classmethod
    def resume(
        cls,
        tiles: dict[TileKey, Tile],
        limits: SessionLimits,
        frustum_margin: float,
        manifest: dict[TileKey, int],
    ) -> tuple[ExploreSession, int, list[TileKey]]:
        """A session that will not resend what the manifest holds at the current version.

        Returns the session, how many held tiles are current, and the held tiles that no longer
        exist (the client should drop them).
        """
        session = cls(tiles, limits, frustum_margin)
        current, gone = 0, []
        for key, version in manifest.items():
            tile = tiles.get(key)
            if tile is None:
                gone.append(key)
            elif tile.version == version:
                session.held[key] = (version, tile.splat_count)
                current += 1
            # An older version stays out of `held`, so the current one is sent in its place.
        return session, current, gone

    @property
    def resident_splats(self) -> int:
        return sum(count for _, count in self.held.values())

    def set_view(self, camera: Camera, sequence: int) -> None:
        self.sequence = sequence
        if self._boxes is None:
            self._boxes = TileBoxes(list(self.tiles.values()))
        ordered = visible_tiles(camera, self._boxes, self.frustum_margin)
        needed, total = [], 0
        for tile in ordered:
            if total + tile.splat_count > self.limits.splat_budget and needed:
                break
            needed.append(tile)
            total += tile.splat_count
        self._needed = needed
        self._reported = None

    def _is_current(self, tile: Tile) -> bool:
        held = self.held.get(tile.key)
        return held is not None and held[0] == tile.version

    def pending(self) -> list[Tile]:
        return [t for t in self._needed if not self._is_current(t)]

    def can_send(self) -> bool:
        # One payload may overshoot the window, or a tile larger than it could never be sent.
        return self.in_flight_bytes < self.limits.credit_bytes

    def next_tile(self) -> Tile | None:
        if not self.can_send():
            return None
        pending = self.pending()
        return pending[0] if pending else None

    def evictions(self, incoming: Tile) -> list[TileKey]:
        """Held tiles to drop so that `incoming` fits the budget: least useful first.

        Never a tile the current view needs, so eviction cannot open a hole in it.
        """
        needed = {t.key for t in self._needed}
        resident = self.resident_splats - self.held.get(incoming.key, (0, 0))[1]
        over = resident + incoming.splat_count - self.limits.splat_budget
        drops: list[TileKey] = []
        if over <= 0:
            return drops
        # Held tiles outside the view, farthest in key order from the incoming tile first.
        candidates = sorted(
            (k for k in self.held if k not in needed and k != incoming.key),
            key=lambda k: (
                -(
                    (k.x - incoming.key.x) ** 2
                    + (k.y - incoming.key.y) ** 2
                    + (k.z - incoming.key.z) ** 2
                )
            ),
        )
        for key in candidates:
            if over <= 0:
                break
            over -= self.held[key][1]
            drops.append(key)
        return drops

    def drop(self, key: TileKey) -> None:
        self.held.pop(key, None)

    def on_sent(self, tile: Tile, payload_bytes: int) -> None:
        self.held[tile.key] = (tile.version, tile.splat_count)
        self.in_flight_bytes += payload_bytes

    def on_ack(self, acked_bytes: int) -> bool:
        """Returns False when the ack claims more than was in flight (it is clamped)."""
        ok = 0 <= acked_bytes <= self.in_flight_bytes
        self.in_flight_bytes = max(0, self.in_flight_bytes - max(0, acked_bytes))
        return ok

    def status_if_changed(self) -> ViewStatusEvent | None:
        """A ViewStatus for the latest view when its completeness changed since last reported."""
        if self.sequence < 0:
            return None
        pending = self.pending()
        complete = not pending
        if self._reported == (self.sequence, complete):
            return None
        self._reported = (self.sequence, complete)
        return ViewStatusEvent(self.sequence, complete, len(pending), self.resident_splats)
