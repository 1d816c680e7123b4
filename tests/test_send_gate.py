"""The sending gate of the Explore streams (api/send_gate.py)."""

from __future__ import annotations

import asyncio

import pytest

from worldstream.api.send_gate import Priority, SendGate


def test_slots_go_to_waiting_streams_in_the_order_they_asked():
    async def scenario() -> list[str]:
        gate = SendGate(1)
        order: list[str] = []
        first = gate.request()
        assert first.done()  # a free slot is granted at once
        later = {name: gate.request() for name in ("b", "c")}
        for name, future in later.items():
            future.add_done_callback(lambda _, name=name: order.append(name))
        assert not any(f.done() for f in later.values()) and gate.waiting == 2
        gate.release()  # a's slot goes to b, not back to the pool
        await asyncio.sleep(0)
        assert later["b"].done() and not later["c"].done() and gate.free == 0
        gate.release()
        await asyncio.sleep(0)
        gate.release()
        assert gate.free == 1
        return order

    assert asyncio.run(scenario()) == ["b", "c"]


def test_a_withdrawn_request_neither_holds_nor_loses_a_slot():
    async def scenario() -> None:
        gate = SendGate(1)
        held = gate.request()
        waiting = gate.request()
        gate.withdraw(waiting)  # gave up before its turn
        assert waiting.cancelled()
        gate.release()  # nobody waits any more: the slot returns to the pool
        assert gate.free == 1
        granted = gate.request()
        gate.withdraw(granted)  # granted, then not used: released
        assert gate.free == 1 and held.done()

    asyncio.run(scenario())


def test_a_gate_needs_at_least_one_slot():
    with pytest.raises(ValueError):
        SendGate(0)


def test_a_first_tile_goes_before_urgent_tiles_and_those_before_bulk_whatever_the_order_asked():
    async def scenario() -> list[str]:
        gate = SendGate(1)
        order: list[str] = []
        held = gate.request(Priority.BULK)
        assert held.done()
        asked = [
            ("bulk a", Priority.BULK),
            ("urgent a", Priority.URGENT),
            ("bulk b", Priority.BULK),
            ("first", Priority.FIRST),
            ("urgent b", Priority.URGENT),
        ]
        for name, priority in asked:
            gate.request(priority).add_done_callback(lambda _, name=name: order.append(name))
        for _ in asked:
            gate.release()
            await asyncio.sleep(0)
        gate.release()
        assert gate.free == 1 and gate.waiting == 0
        return order

    assert asyncio.run(scenario()) == ["first", "urgent a", "urgent b", "bulk a", "bulk b"]


def test_a_cancelled_waiter_left_in_the_queue_does_not_swallow_a_released_slot():
    async def scenario() -> None:
        gate = SendGate(2)
        a = gate.request(Priority.BULK)
        b = gate.request(Priority.FIRST)
        assert a.done() and b.done() and gate.free == 0
        waiting = gate.request(Priority.BULK)
        gate.withdraw(waiting)  # a cancelled waiter stays in the heap until popped
        gate.release()
        assert gate.free == 1  # nobody live waited: the slot went back to the pool
        again = gate.request(Priority.URGENT)
        assert again.done() and gate.free == 0

    asyncio.run(scenario())
