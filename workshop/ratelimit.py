"""Rate limits counted per participant, per facilitator or per client, never per IP alone.

A whole venue often shares one IP address, so limits that refuse people are
keyed on who they are. What is counted per IP only
slows down, with a delay that grows (`Backoff`), and never refuses: a venue
behind one address must never be locked out by one guesser among it. The
counters live in this process.
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
    # Past this many keys, idle ones are forgotten rather than grow without bound.
    max_keys: int = 100_000

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
            self._forget_idle(now)
            return True

    def _forget_idle(self, now: float) -> None:
        """Drop the keys with nothing in their window, once there are too many (lock held)."""
        if len(self._events) > self.max_keys:
            idle = [k for k, v in self._events.items() if not v or v[-1] <= now - self.seconds]
            for stale in idle:
                del self._events[stale]

    def retry_after(self, *key: Hashable) -> float:
        """Return how many seconds until `key` may count another event (0 when it may now)."""
        now = self.clock()
        with self._lock:
            events = [t for t in self._events.get(key, ()) if t > now - self.seconds]
            if len(events) < self.limit:
                return 0.0
            return events[-self.limit] + self.seconds - now

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
class Slots(SlidingWindow):
    """A SlidingWindow whose events can be given back, each named by a tag when taken."""

    _tags: dict[Hashable, tuple[tuple[Hashable, ...], float]] = field(default_factory=dict)

    def take(self, tag: Hashable, *key: Hashable) -> None:
        """Count one event for `key`, named `tag` so that `give_back(tag)` can undo it."""
        now = self.clock()
        with self._lock:
            self._events[key].append(now)
            self._tags[tag] = (key, now)
            self._forget_idle(now)  # a fresh client is a fresh key
            if len(self._tags) > 100_000:  # the oldest are long out of their window
                for old in list(self._tags)[:50_000]:
                    del self._tags[old]

    def give_back(self, tag: Hashable) -> None:
        """Uncount the event named `tag`, if it is still counted."""
        with self._lock:
            key, at = self._tags.pop(tag, ((), 0.0))
            events = self._events.get(key)
            if events is not None and at in events:
                events.remove(at)

    def reset(self) -> None:
        with self._lock:
            self._events.clear()
            self._tags.clear()


@dataclass
class Backoff:
    """A delay that grows with the events counted for a key in the last `seconds`.

    Up to `free` events cost nothing; then the delay starts at `base` seconds
    and doubles with every further `step` events, up to `cap`. It slows a
    script down without ever refusing the people who share its address.
    """

    free: int
    step: int
    base: float
    cap: float
    seconds: float = 60
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._window = SlidingWindow(10**9, self.seconds, clock=lambda: self.clock())

    def note(self, *key: Hashable) -> None:
        """Count one event for `key`."""
        self._window.allow(*key)

    def delay(self, *key: Hashable) -> float:
        """Return the delay the next event for `key` waits, in seconds."""
        now = self.clock()
        window = self._window
        with window._lock:
            events = window._events.get(key)
            count = sum(1 for t in events if t > now - self.seconds) if events else 0
        if count < self.free:
            return 0.0
        return min(self.cap, self.base * 2 ** ((count - self.free) / self.step))

    def reset(self) -> None:
        self._window.reset()


# The longest any one wait lasts. A phone's socket join gives up after 10 s
# (static/js/live.js), and a join waits at most once (see access.workshop_for_code).
MAX_WAIT = 2.0


def wait(seconds: float) -> None:
    """Wait without holding up anyone else: a green sleep under gevent and eventlet."""
    if seconds > 0:
        from .extensions import socketio

        socketio.sleep(seconds)


@dataclass
class Limits:
    """The product's limits, in one place."""

    # Answers, edits and deletes by one participant.
    answers: SlidingWindow = field(default_factory=lambda: SlidingWindow(10, 10))
    # Every other socket event by one participant or one facilitator.
    events: SlidingWindow = field(default_factory=lambda: SlidingWindow(60, 10))
    # Pages of the projector's wall turned by one facilitator: a presenter's clicker
    # flicking through a wall of 2,000 answers, one small write a turn.
    turns: SlidingWindow = field(default_factory=lambda: SlidingWindow(240, 10))
    # Groupings asked for by one facilitator (suggest, split): each costs up to a
    # second of a core, off the loop...
    groupings: SlidingWindow = field(default_factory=lambda: SlidingWindow(20, 60))
    # ...and fits, which a console asks for by itself as late answers arrive (at most
    # one every few seconds): counted apart, so they never use up the facilitator's.
    fits: SlidingWindow = field(default_factory=lambda: SlidingWindow(20, 60))
    # New participants made by one browser session, over the socket or with the form.
    # A removed participant's slot is given back (tagged by participant id).
    joins: Slots = field(default_factory=lambda: Slots(10, 60))
    # New participants of one workshop from one IP. A 2,000-person room behind one
    # NAT arrives over a few minutes: 300 a minute go straight in, then each waits
    # 0.5 s, doubling every 300 more, at most 2 s; nobody is ever refused. No rule
    # per address can tell such a room from a script, so this only holds a script
    # to a room's pace (one join after another settles near 300 a minute); the
    # facilitator's lock and remove deal with the people it made.
    new_by_ip: Backoff = field(default_factory=lambda: Backoff(300, 300, 0.5, MAX_WAIT))
    # Wrong join codes from one client (its session): past 10 a minute, that browser
    # is refused every code for a minute. A fresh cookie starts again, so:
    codes: SlidingWindow = field(default_factory=lambda: SlidingWindow(10, 60))
    # ...wrong codes are also counted per IP, and past a threshold every new phone's
    # code check from that IP waits, right or wrong (docs/security.md has the
    # arithmetic). Never a refusal: a venue's honest typos stay far below. There is
    # no count for the whole server: any one guesser anywhere could feed it and
    # make every new phone everywhere wait.
    codes_by_ip: Backoff = field(default_factory=lambda: Backoff(100, 100, 0.5, MAX_WAIT))
    # Resyncs (a join again on a socket already bound): 2 per 2 s per socket covers
    # a retried slow join and a missed message; a loop sending them gets rate_limited.
    resyncs: SlidingWindow = field(default_factory=lambda: SlidingWindow(2, 2))
    # Wrong passwords for one address (as accounts.normal_email stores it) from one
    # browser session: past 10 in 5 minutes, that session is refused for the address.
    # Never per IP: behind a proxy every client shares one, and an attacker's
    # failures must not refuse the facilitator's right password.
    login: SlidingWindow = field(default_factory=lambda: SlidingWindow(10, 300))
    # ...and for the address from anywhere: past 10 in 5 minutes, every login to it
    # waits 0.25 s, doubling every 10 more, at most 2 s. A slowdown, never a refusal.
    login_by_address: Backoff = field(
        default_factory=lambda: Backoff(10, 10, 0.25, MAX_WAIT, seconds=300)
    )
    # Sign-ups tried for one address from one IP, and by one browser session: each
    # costs a password hash, and "exists already" must not be a free address test.
    signup: SlidingWindow = field(default_factory=lambda: SlidingWindow(5, 300))
    signups_by_client: SlidingWindow = field(default_factory=lambda: SlidingWindow(10, 3600))
    # ...and from one IP, however many addresses and cookies: 20 in 10 minutes. Unlike
    # joining, this refuses a venue: facilitators signing up together behind one
    # address are a few, not 20 in ten minutes, and a script is held to 2 a minute.
    signups_by_ip: SlidingWindow = field(default_factory=lambda: SlidingWindow(20, 600))

    def reset(self) -> None:
        for window in vars(self).values():
            window.reset()


limits = Limits()
