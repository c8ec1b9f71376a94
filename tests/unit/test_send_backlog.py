"""A send backlog: a reader catching up after a big state is kept, a stalled one dropped."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from workshop.realtime import backpressure
from workshop.realtime.backpressure import BoundedSocket

LIMIT = 2 * 1024 * 1024


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(backpressure.time, "monotonic", clock)
    return clock


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A console's engine.io socket that sends nothing itself and records its drop."""
    monkeypatch.setattr(backpressure._ORIGINAL, "send", lambda self, pkt: None)
    socket = BoundedSocket.__new__(BoundedSocket)
    socket.server = SimpleNamespace(workshop_send_queue_bytes=LIMIT)
    socket.sid = "console"
    socket.queued_bytes = 0
    socket.dropped_for = []
    socket._drop = socket.dropped_for.append
    return socket


def packet(size: int) -> Any:
    return SimpleNamespace(data="x" * size)


def drained(socket: Any, size: int) -> None:
    socket.queued_bytes -= size


def test_a_whole_state_bigger_than_the_bound_goes_behind_a_pending_answer(console, clock) -> None:
    console.send(packet(300))
    console.send(packet(3 * 1024 * 1024))  # the console's state after a removal, in a big room
    console.send(packet(300))  # the next answer, while the state is still on its way
    assert console.dropped_for == []


def test_a_backlog_that_drains_in_time_keeps_its_socket(console, clock) -> None:
    console.send(packet(3 * 1024 * 1024))
    clock.now += 4
    console.send(packet(300))
    drained(console, 3 * 1024 * 1024)
    clock.now += 4
    console.send(packet(300))
    assert console.dropped_for == []


def test_a_backlog_past_the_bound_for_too_long_drops_its_socket(console, clock) -> None:
    console.send(packet(3 * 1024 * 1024))
    console.send(packet(300))
    clock.now += backpressure.BEHIND_GRACE_SECONDS + 1
    console.send(packet(300))
    assert len(console.dropped_for) == 1


def test_a_backlog_far_past_the_bound_drops_its_socket_at_once(console, clock) -> None:
    for _ in range(backpressure.HARD_FACTOR + 2):
        console.send(packet(LIMIT))
    assert len(console.dropped_for) == 1
