"""The bulk-sending gate of the Explore streams (api/send_gate.py)."""

from __future__ import annotations

import asyncio

import pytest

from worldstream.api.send_gate import SendGate


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
