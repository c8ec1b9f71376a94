"""The limits' own memory: counters of clients long gone are forgotten."""

from __future__ import annotations

from workshop.ratelimit import SlidingWindow, Slots


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_taking_slots_for_fresh_clients_forgets_the_idle_ones() -> None:
    clock = Clock()
    slots = Slots(10, 60, clock=clock, max_keys=100)
    for n in range(100):
        slots.take(n, f"client {n}")
    clock.now = 61  # every one of them idle now
    for n in range(100, 200):
        slots.take(n, f"client {n}")
    assert len(slots._events) <= 100
    assert ("client 199",) in slots._events and ("client 0",) not in slots._events


def test_a_key_still_in_its_window_is_kept() -> None:
    clock = Clock()
    window = SlidingWindow(2, 60, clock=clock, max_keys=3)
    window.allow("busy")
    window.allow("busy")
    for n in range(5):
        window.allow(f"once {n}")
    assert not window.allow("busy"), "forgetting idle keys must not forgive a busy one"
