"""Rate limits counted per participant, per facilitator or per client, never per IP alone.

A whole venue often shares one IP address, so limits that matter to people
are keyed on who they are. The counters live in this process.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass
class SlidingWindow:
    """At most `limit` events per `seconds` for each key."""

    limit: int
    seconds: float
    clock: Callable[[], float] = time.monotonic
    _events: dict[Hashable, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, *key: Hashable) -> bool:
        """Count one event for `key`; return False (and count nothing) when over the limit."""
        now = self.clock()
        with self._lock:
            events = self._events[key]
            while events and events[0] <= now - self.seconds:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 100_000:  # forget idle keys rather than grow without bound
                idle = [k for k, v in self._events.items() if not v or v[-1] <= now - self.seconds]
                for stale in idle:
                    del self._events[stale]
            return True

    def full(self, *key: Hashable) -> bool:
        """Return whether `key` is at its limit now, without counting anything."""
        now = self.clock()
        with self._lock:
            events = self._events.get(key)
            return bool(events) and sum(1 for t in events if t > now - self.seconds) >= self.limit

    def reset(self) -> None:
        with self._lock:
            self._events.clear()


@dataclass
class Limits:
    """The product's limits, in one place."""

    # Answers, edits and deletes by one participant.
    answers: SlidingWindow = field(default_factory=lambda: SlidingWindow(10, 10))
    # Every other socket event by one participant or one facilitator.
    events: SlidingWindow = field(default_factory=lambda: SlidingWindow(60, 10))
    # New participants made over the socket by one browser session.
    joins: SlidingWindow = field(default_factory=lambda: SlidingWindow(10, 60))
    # Wrong join codes from one client (its session), and from one IP as a backstop.
    codes: SlidingWindow = field(default_factory=lambda: SlidingWindow(10, 60))
    codes_by_ip: SlidingWindow = field(default_factory=lambda: SlidingWindow(300, 60))
    # Login attempts for one address from one IP.
    login: SlidingWindow = field(default_factory=lambda: SlidingWindow(10, 300))

    def reset(self) -> None:
        for window in vars(self).values():
            window.reset()


limits = Limits()
