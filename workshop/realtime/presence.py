"""Who is online across several server processes, kept in Redis.

With one process the connection registry alone knows who is online. With
several behind a load balancer (WORKSHOP_MESSAGE_QUEUE set), each process
records its own online participants in a Redis hash that expires unless the
process keeps refreshing it, so a crashed process's phones drop out by
themselves within a minute.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable
from typing import Any

TTL_SECONDS = 60
REFRESH_SECONDS = 20


class RedisPresence:
    """The online participants of each workshop, across processes."""

    def __init__(self, client: Any) -> None:
        self.redis = client
        self.process = uuid.uuid4().hex[:12]
        self._workshops: set[int] = set()
        self._lock = threading.Lock()

    def _key(self, workshop_id: int, process: str | None = None) -> str:
        return f"workshop:presence:w{workshop_id}:{process or self.process}"

    def _processes(self, workshop_id: int) -> str:
        return f"workshop:presence:w{workshop_id}:processes"

    def came_online(self, workshop_id: int, participant_id: int) -> None:
        with self._lock:
            self._workshops.add(workshop_id)
        pipe = self.redis.pipeline()
        pipe.hset(self._key(workshop_id), str(participant_id), 1)
        pipe.expire(self._key(workshop_id), TTL_SECONDS)
        pipe.sadd(self._processes(workshop_id), self.process)
        pipe.expire(self._processes(workshop_id), TTL_SECONDS * 60)
        pipe.execute()

    def went_offline(self, workshop_id: int, participant_id: int) -> None:
        self.redis.hdel(self._key(workshop_id), str(participant_id))

    def online(self, workshop_id: int) -> frozenset[int]:
        processes = [p.decode() for p in self.redis.smembers(self._processes(workshop_id))]
        if not processes:
            return frozenset()
        pipe = self.redis.pipeline()
        for process in processes:
            pipe.hkeys(self._key(workshop_id, process))
        found: set[int] = set()
        for keys in pipe.execute():
            found.update(int(k) for k in keys)
        return frozenset(found)

    def refresh(self, workshop_ids: Iterable[int] | None = None) -> None:
        """Keep this process's records alive."""
        with self._lock:
            ids = list(workshop_ids if workshop_ids is not None else self._workshops)
        pipe = self.redis.pipeline()
        for workshop_id in ids:
            pipe.expire(self._key(workshop_id), TTL_SECONDS)
        pipe.execute()


def from_url(url: str) -> RedisPresence:
    import redis

    return RedisPresence(redis.Redis.from_url(url, socket_timeout=5))
