"""Which socket belongs to which workshop and role, and who is online.

A binding is made by the server after it has checked the caller's rights; the
client never names its own role. The registry lives in this process.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    FACILITATOR = "facilitator"
    SCREEN = "screen"
    PHONE = "phone"


@dataclass(frozen=True, slots=True)
class Binding:
    workshop_id: int
    role: Role
    participant_id: int | None = None
    user_id: int | None = None


class Connections:
    """Sockets by id, and the number of open sockets of each participant."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bindings: dict[str, Binding] = {}
        self._phones: dict[int, Counter[int]] = {}
        # Set when several processes serve one workshop (see presence.py). Telling it
        # who came and went only marks the workshop: it publishes in the background.
        self.shared: Any = None

    def bind(self, sid: str, binding: Binding) -> bool:
        """Bind a socket; return True when its participant has just come online."""
        with self._lock:
            self._bindings[sid] = binding
            if binding.participant_id is None:
                return False
            online = self._phones.setdefault(binding.workshop_id, Counter())
            online[binding.participant_id] += 1
            came = online[binding.participant_id] == 1
        if came and self.shared is not None:
            self.shared.came_online(binding.workshop_id, binding.participant_id)
        return came

    def unbind(self, sid: str) -> tuple[Binding | None, bool]:
        """Forget a socket; return its binding and whether its participant went offline."""
        with self._lock:
            binding = self._bindings.pop(sid, None)
            if binding is None or binding.participant_id is None:
                return binding, False
            online = self._phones.get(binding.workshop_id, Counter())
            online[binding.participant_id] -= 1
            if online[binding.participant_id] > 0:
                return binding, False
            del online[binding.participant_id]
            if not online:
                self._phones.pop(binding.workshop_id, None)
        if self.shared is not None:
            self.shared.went_offline(binding.workshop_id, binding.participant_id)
        return binding, True

    def get(self, sid: str) -> Binding | None:
        with self._lock:
            return self._bindings.get(sid)

    def online(self, workshop_id: int) -> frozenset[int]:
        """Return the ids of the workshop's participants with at least one open socket."""
        if self.shared is not None:
            return self.shared.online(workshop_id)
        return self.local_online(workshop_id)

    def local_online(self, workshop_id: int) -> frozenset[int]:
        """Return the workshop's participants with an open socket on this process."""
        with self._lock:
            return frozenset(self._phones.get(workshop_id, ()))

    def local_workshops(self) -> list[int]:
        with self._lock:
            return list(self._phones)

    def clear(self) -> None:
        with self._lock:
            self._bindings.clear()
            self._phones.clear()
        if self.shared is not None:
            self.shared.stop()  # an earlier app's publisher must not outlive it
        self.shared = None


connections = Connections()
