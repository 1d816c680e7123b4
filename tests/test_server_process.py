"""What `worldstream serve` does to its own process before it serves."""

from __future__ import annotations

import gc

from worldstream.api.server import freeze_startup_objects


def test_startup_objects_are_left_out_of_later_collections():
    tracked = len(gc.get_objects())
    try:
        freeze_startup_objects()
        # Imports alone are ~260 k objects; a full collection now walks only what came after.
        assert gc.get_freeze_count() > 100_000
        assert len(gc.get_objects()) < tracked - 100_000
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
