"""The creation memory budget: world creations together hold at most what the server allows;
the rest wait their turn rather than take the server past its memory."""

from __future__ import annotations

import threading
import time

import pytest

from worldstream.store.store import Store
from worldstream.world import worlds as worlds_module
from worldstream.world.budget import CREATION_BYTES_PER_WORKING_PIXEL, MemoryBudget
from worldstream.world.worlds import CreateOptions, Worlds, WorldSettings


def test_a_reservation_waits_while_others_hold_the_budget_and_runs_once_they_give_it_back():
    budget = MemoryBudget(100)
    entered = threading.Event()
    with budget.reserve(70):

        def second() -> None:
            with budget.reserve(50):
                entered.set()

        waiter = threading.Thread(target=second)
        waiter.start()
        assert not entered.wait(0.2), "60 + 50 > 100 bytes were held at once"
        assert budget.used == 70
    assert entered.wait(5)
    waiter.join(5)
    assert budget.used == 0


def test_a_reservation_larger_than_the_budget_runs_alone_instead_of_waiting_forever():
    budget = MemoryBudget(100)
    with budget.reserve(10**9):
        assert budget.used == 100
    assert budget.used == 0


def test_a_budget_must_be_positive():
    with pytest.raises(ValueError):
        MemoryBudget(0)


def _concurrent_seeds(tmp_path, photo, monkeypatch, creations_fitting: float) -> int:
    """Most seeds running at once when three 240x160 creations start together under a budget
    that fits `creations_fitting` of them."""
    running, most, lock = 0, 0, threading.Lock()
    real = worlds_module.get_generator

    def counting(name, options):
        generator = real(name, options)
        seed = generator.seed

        def counted(*args, **kwargs):
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            try:
                time.sleep(0.3)  # long enough for the others to arrive
                return seed(*args, **kwargs)
            finally:
                with lock:
                    running -= 1

        generator.seed = counted
        return generator

    monkeypatch.setattr(worlds_module, "get_generator", counting)
    one = CREATION_BYTES_PER_WORKING_PIXEL * 240 * 160
    store = Store(tmp_path)
    try:
        worlds = Worlds(store, WorldSettings(creation_memory_bytes=int(one * creations_fitting)))
        options = CreateOptions(max_side_px=240)
        threads = [
            threading.Thread(target=worlds.create, args=(photo, options, f"world-{i}"))
            for i in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert [r.state for r in worlds.list(10, "")[0]] == ["ready"] * 3
    finally:
        store.close()
    return most


def test_creations_beyond_the_memory_budget_wait_their_turn(tmp_path, photo, monkeypatch):
    assert _concurrent_seeds(tmp_path / "one", photo, monkeypatch, 1.5) == 1
    assert _concurrent_seeds(tmp_path / "two", photo, monkeypatch, 2.5) == 2
