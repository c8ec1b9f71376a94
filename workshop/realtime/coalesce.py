"""Live numbers for large rooms, sent a few times a second rather than once per change.

A room of 2,000 phones answering or reacting would otherwise send the console
and the projector a count or a tally for every single change, each one
queried afresh. Instead a change marks its workshop's topic as due; the first
change after a quiet spell goes out at once (on its own green thread, after
the change's acknowledgement), and later ones are gathered and sent together
at most once per `LIVE_UPDATE_INTERVAL`. The figures are read from the
database when they are sent, so every process of a scaled-out deployment
sends the same truth, and a lost update is healed by the next one.

With `LIVE_UPDATE_INTERVAL = 0` (the unit tests), updates are sent in the
caller's own thread, at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app

from ..extensions import socketio

Flush = Callable[[int, frozenset[str]], None]
log = logging.getLogger(__name__)


class Coalescer:
    """Gathers the topics due per workshop and sends each gathering with one `flush`.

    One sender per workshop at a time: a change that arrives while a send is
    under way waits for the next one, which follows one interval after it, so
    sends never overlap and never arrive out of order.
    """

    RETRIES = 2

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._due: dict[int, set[str]] = {}
        self._sending: set[int] = set()  # workshops whose sender is scheduled or running
        self._last: dict[int, float] = {}
        self._flush: Flush | None = None
        self._generation = 0

    def init_app(self, flush: Flush) -> None:
        """Start afresh for a new app; sends still scheduled for an earlier one are dropped."""
        with self._lock:
            self._flush = flush
            self._generation += 1
            self._due.clear()
            self._sending.clear()
            self._last.clear()

    def mark(self, workshop_id: int, topic: str) -> None:
        """Say that `topic` of a workshop changed; it is sent soon, with whatever else is due."""
        interval = float(current_app.config["LIVE_UPDATE_INTERVAL"])
        if interval <= 0:
            self._send(workshop_id, frozenset({topic}))
            return
        with self._lock:
            self._due.setdefault(workshop_id, set()).add(topic)
            if workshop_id in self._sending:
                return  # the workshop's sender takes it along
            self._sending.add(workshop_id)
            wait = max(0.0, self._last.get(workshop_id, 0.0) + interval - time.monotonic())
            generation = self._generation
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        try:
            socketio.start_background_task(
                self._sender, app, generation, workshop_id, wait, interval
            )
        except Exception:
            with self._lock:
                self._sending.discard(workshop_id)
            raise

    def send_due(self, workshop_id: int) -> None:
        """Send what is due for a workshop now, in this thread (before a numbered message)."""
        with self._lock:
            topics = frozenset(self._due.pop(workshop_id, ()))
        if topics:
            self._send(workshop_id, topics)

    def _sender(
        self, app: Flask, generation: int, workshop_id: int, wait: float, interval: float
    ) -> None:
        socketio.sleep(wait)
        failures = 0
        while True:
            with self._lock:
                if generation != self._generation:
                    return
                topics = frozenset(self._due.pop(workshop_id, ()))
                if not topics:
                    self._sending.discard(workshop_id)
                    return
            with app.app_context():
                try:
                    self._send(workshop_id, topics)
                    failures = 0
                except Exception:  # never kill the server; try again, then give up
                    log.exception("live update of workshop %s failed", workshop_id)
                    failures += 1
                    if failures <= self.RETRIES:
                        with self._lock:
                            self._due.setdefault(workshop_id, set()).update(topics)
            with self._lock:
                self._last[workshop_id] = time.monotonic()
                if generation != self._generation or workshop_id not in self._due:
                    self._sending.discard(workshop_id)
                    return
            socketio.sleep(interval)  # more came during the send: the next one after a pause

    def _send(self, workshop_id: int, topics: frozenset[str]) -> None:
        assert self._flush is not None, "init_app was not called"
        self._flush(workshop_id, topics)


live_updates = Coalescer()
