"""Who is online across several server processes, kept in Redis.

With one process the connection registry alone knows who is online. With
several behind a load balancer (WORKSHOP_MESSAGE_QUEUE set), each process
publishes its own online participants in one Redis value per workshop, which
expires unless the process keeps rewriting it, so a crashed process's phones
drop out by themselves within PRESENCE_TTL.

Three rules keep presence right when a crowd leaves at once or Redis fails:

- The local registry is the truth for this process. A phone coming or going
  only marks its workshop as changed; a background task publishes every
  changed workshop's whole set in one pipeline a few times a second. A
  thousand phones leaving cost a handful of Redis round trips, not a
  thousand, and never exhaust the pool.
- Nothing in a socket handler waits on Redis for a write, and a failed read
  falls back to this process's own phones plus the last known others. No
  Redis error reaches a handler.
- The publisher never dies. While Redis is away it logs once, keeps what
  changed, and on the first success rewrites every workshop it serves, so
  presence heals by itself even after the values have expired.

After each publication the console's counts are marked due (coalesce.py);
they are read from the published presence, so every process's console shows
the same number.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

# After an outage, everything is published again this many seconds after the first success.
RECOVERY_ECHO = 2.0

LocalOnline = Callable[[int], frozenset[int]]
LocalWorkshops = Callable[[], list[int]]
Published = Callable[[Iterable[int]], None]


@dataclass(frozen=True, slots=True)
class PresenceTimings:
    """How often presence is published, and how long Redis keeps it unrefreshed."""

    ttl: float = 60.0  # a silent process's phones vanish after this long
    refresh: float = 20.0  # every workshop is rewritten this often (must be well under ttl)
    flush: float = 0.1  # changes are gathered for this long, then published together


class _Flight:
    """One read of the other processes' presence, and everyone waiting for it."""

    __slots__ = ("done", "error", "result")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: frozenset[int] = frozenset()
        self.error: Exception | None = None


class RedisPresence:
    """The online participants of each workshop, across processes."""

    def __init__(
        self,
        client: Any,
        local_online: LocalOnline,
        local_workshops: LocalWorkshops,
        timings: PresenceTimings | None = None,
        namespace: str = "workshop",
    ) -> None:
        self.redis = client
        # The deployment's message-queue channel: two deployments on one Redis (or a
        # test after another, whose killed processes' values still live) never mix.
        self.namespace = namespace
        self.process = uuid.uuid4().hex[:12]
        self.timings = timings or PresenceTimings()
        self._local_online = local_online
        self._local_workshops = local_workshops
        self._lock = threading.Lock()
        self._changed: set[int] = set()
        self._known_others: dict[int, frozenset[int]] = {}
        self._flights: dict[int, _Flight] = {}
        # A caller waiting on another's read gives up after this long (the pool's
        # wait plus the socket's, so normally the read itself fails first).
        self.read_timeout = 10.0
        # False from the first failed Redis call until the publisher gets through again;
        # meanwhile reads are answered from memory instead of waiting on a dead server.
        self.healthy = True
        self._rewrite_all = False
        self._last_refresh = time.monotonic()
        self._stopped = threading.Event()
        # Set by a change: the first one after a quiet spell is published at once.
        # (threading's Event is the server's own under gevent and eventlet: wsgi.py patches.)
        self._wake = threading.Event()

    def _key(self, workshop_id: int, process: str | None = None) -> str:
        return f"{self.namespace}:presence:w{workshop_id}:{process or self.process}"

    def _processes(self, workshop_id: int) -> str:
        return f"{self.namespace}:presence:w{workshop_id}:processes"

    # -- called from socket handlers: never wait, never raise -------------

    def came_online(self, workshop_id: int, participant_id: int) -> None:
        self._mark(workshop_id)

    def went_offline(self, workshop_id: int, participant_id: int) -> None:
        self._mark(workshop_id)

    def _mark(self, workshop_id: int) -> None:
        with self._lock:
            self._changed.add(workshop_id)
        self._wake.set()

    def online(self, workshop_id: int) -> frozenset[int]:
        """Return who is online in the workshop: this process's phones and the others' published."""
        local = self._local_online(workshop_id)
        if self.healthy:
            try:
                others = self._shared_read(workshop_id)
            except Exception as error:  # any Redis failure: serve what is known
                self._went_away(error)
            else:
                with self._lock:
                    self._known_others[workshop_id] = others
                return local | others
        with self._lock:
            return local | self._known_others.get(workshop_id, frozenset())

    def _shared_read(self, workshop_id: int) -> frozenset[int]:
        """Read the other processes' presence, one read at a time per workshop.

        When a crowd leaves, every departure asks who is still online; callers
        that ask while a read is under way take its answer instead of queueing
        hundreds of identical reads on the pool.
        """
        with self._lock:
            flight = self._flights.get(workshop_id)
            leader = flight is None
            if leader:
                flight = self._flights[workshop_id] = _Flight()
        assert flight is not None
        if leader:
            try:
                flight.result = self._read_others(workshop_id)
            except Exception as error:  # handed to every caller of this read
                flight.error = error
            finally:
                with self._lock:
                    self._flights.pop(workshop_id, None)
                flight.done.set()
        elif not flight.done.wait(self.read_timeout):
            raise TimeoutError("presence read did not finish")
        if flight.error is not None:
            raise flight.error
        return flight.result

    def _read_others(self, workshop_id: int) -> frozenset[int]:
        members = self.redis.smembers(self._processes(workshop_id))
        processes = [p.decode() for p in members if p.decode() != self.process]
        if not processes:
            return frozenset()
        found: set[int] = set()
        for value in self.redis.mget([self._key(workshop_id, p) for p in processes]):
            if value:
                found.update(int(p) for p in value.split(b","))
        return frozenset(found)

    # -- the publisher, on its own background task ------------------------

    def run(self, sleep: Callable[[float], Any], published: Published) -> None:
        """Publish changes until `stop`; survive every error. `published` hears what went out.

        A change after a quiet spell goes out at once; changes that follow are
        gathered for `flush` seconds and go out together.
        """
        while not self._stopped.is_set():
            self._wake.wait(self._until_due())
            self._wake.clear()
            try:
                if written := self.publish():
                    published(written)
            except Exception:  # the loop must outlive any surprise; Redis errors are handled
                log.exception("presence: publishing failed unexpectedly")
            sleep(self.timings.flush)

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()

    def _until_due(self) -> float:
        """Seconds until the next publication is due without any change: a refresh, or a retry."""
        if not self.healthy:
            return self.timings.flush
        with self._lock:
            due = self._last_refresh + self.timings.refresh
        return max(self.timings.flush, due - time.monotonic())

    def publish(self) -> list[int]:
        """Write every changed workshop's whole set to Redis; return the workshops written.

        A periodic refresh, and the first success after an outage, rewrite every
        workshop this process serves: the values may have expired meanwhile.
        """
        now = time.monotonic()
        with self._lock:
            changed, self._changed = self._changed, set()
            everything = self._rewrite_all or now - self._last_refresh >= self.timings.refresh
        workshops = changed | set(self._local_workshops()) if everything else changed
        if not workshops:
            if not self.healthy:
                self._probe()  # a process with no phones must notice Redis is back too
            return []
        try:
            self._write(workshops)
        except Exception as error:  # keep the changes for the next attempt
            with self._lock:
                self._changed |= workshops
            self._went_away(error)
            return []
        with self._lock:
            if everything:
                self._last_refresh = now
                self._rewrite_all = False
        self._came_back()
        return sorted(workshops)

    def _write(self, workshops: Iterable[int]) -> None:
        ttl = max(1, round(self.timings.ttl))
        pipe = self.redis.pipeline(transaction=False)
        for workshop_id in workshops:
            key = self._key(workshop_id)
            # One string per process and workshop, rewritten whole: a reader parses one
            # value instead of a reply per phone (redis-py parses replies in Python).
            if online := self._local_online(workshop_id):
                pipe.set(key, ",".join(map(str, sorted(online))), ex=ttl)
            else:
                pipe.delete(key)
            pipe.sadd(self._processes(workshop_id), self.process)
            pipe.expire(self._processes(workshop_id), ttl * 60)
        pipe.execute()

    def _probe(self) -> None:
        try:
            self.redis.ping()
        except Exception as error:  # still away
            self._went_away(error)
        else:
            self._came_back()

    def _went_away(self, error: Exception) -> None:
        with self._lock:
            first = self.healthy
            self.healthy = False
            self._rewrite_all = True
        if first:  # once per outage, not once per tick
            log.warning(
                "presence: Redis unreachable (%s: %s); serving this process's phones "
                "and the last known others until it is back",
                type(error).__name__,
                error,
            )

    def _came_back(self) -> None:
        with self._lock:
            was_down = not self.healthy
            self.healthy = True
            if was_down:
                # Once more in a moment: the other processes' listeners resubscribe to the
                # message queue after Redis returns, and may miss the first counts sent.
                self._last_refresh = time.monotonic() - self.timings.refresh + RECOVERY_ECHO
        if was_down:
            log.warning("presence: Redis is back; this process's presence is rewritten")


def from_url(
    url: str,
    local_online: LocalOnline,
    local_workshops: LocalWorkshops,
    options: dict[str, Any],
    timings: PresenceTimings | None = None,
    namespace: str = "workshop",
) -> RedisPresence:
    """Presence on a blocking pool: a burst waits briefly for a connection instead of failing.

    Its keys start with `namespace`, the deployment's message-queue channel.
    """
    import redis

    pool_options = dict(options)
    max_connections = int(pool_options.pop("max_connections", 20))
    pool_timeout = float(pool_options.pop("pool_timeout", 2.0))
    pool = redis.BlockingConnectionPool.from_url(
        url, max_connections=max_connections, timeout=pool_timeout, **pool_options
    )
    presence = RedisPresence(
        redis.Redis(connection_pool=pool), local_online, local_workshops, timings, namespace
    )
    presence.read_timeout = pool_timeout + 2 * float(options.get("socket_timeout") or 5)
    return presence
