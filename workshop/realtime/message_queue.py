"""The Redis message queue between server processes, with every wait on Redis bounded.

python-socketio's RedisManager delivers a broadcast to this process's sockets
first and then publishes it for the others, in the caller's thread. With no
socket timeout a hung Redis held that thread, and the acknowledgement that
waited behind it, for as long as Redis hung: 0 acks for 10 s. Flask-SocketIO
also builds the manager itself, with no way to pass it Redis options.

So the app builds its own manager (`QueueToRedis`):

- every Redis client it uses has connect and read timeouts, a health check
  and a short retry (`redis_options`);
- publishing for the other processes goes through a bounded outbox drained by
  one background task, in order; a handler never waits on Redis, so a phone's
  answer is stored and acknowledged and this process's sockets still hear it;
- while Redis is away the outbox keeps the newest broadcasts (the oldest are
  dropped; the clients that miss them see a gap in the change numbers and
  resync), and the listener reconnects within a couple of seconds of Redis
  coming back, instead of python-socketio's backoff that grows to a minute.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

import socketio

log = logging.getLogger(__name__)

# The listener tries again this often while Redis is away (python-socketio: up to 60 s).
RECONNECT_SECONDS = 1.0


def redis_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """Return the Redis client options that bound every wait, from the app's settings."""
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError, TimeoutError
    from redis.retry import Retry

    return {
        "socket_timeout": config["REDIS_TIMEOUT"],
        "socket_connect_timeout": config["REDIS_CONNECT_TIMEOUT"],
        "socket_keepalive": True,
        # An idle pooled connection is checked before use, so a dead one is not found
        # by the first broadcast after a quiet spell.
        "health_check_interval": 15,
        # One quick retry covers a dropped connection; redis-py's default (3 retries,
        # backoff up to 10 s) turned one hung request into 10 s of waiting.
        "retry": Retry(ExponentialBackoff(cap=0.2, base=0.05), 1, (ConnectionError, TimeoutError)),
    }


class QueueToRedis(socketio.RedisManager):  # type: ignore[misc]
    """A RedisManager whose publishing never blocks the caller, and whose listener heals fast."""

    name = "redis"

    def __init__(self, url: str, channel: str, options: dict[str, Any], outbox: int = 5000) -> None:
        super().__init__(url, channel=channel, redis_options=options)
        self._outbox: collections.deque[Any] = collections.deque(maxlen=max(1, outbox))
        self._publisher: Any = None  # a redis client of its own: the listener's may reconnect
        self._wake: Any = None
        self._dropped = 0
        self._down_since: float | None = None
        self._starting = threading.Lock()

    def initialize(self) -> None:
        super().initialize()
        self._start_sender()

    def _start_sender(self) -> None:
        # python-socketio initializes its manager on the process's first socket
        # connection; a page served before then (a logout, a canvas share) publishes
        # too, so the sender starts with whichever comes first.
        with self._starting:
            if self._wake is None:
                self._wake = self.server.eio.create_event()
                self.server.start_background_task(self._drain)

    # -- publishing: queued here, sent by one background task -------------

    def _publish(self, data: Any) -> None:
        """Queue a message for the other processes; return at once."""
        if len(self._outbox) == self._outbox.maxlen:
            self._dropped += 1  # deque(maxlen) drops the oldest
        self._outbox.append(data)
        self._start_sender()
        self._wake.set()

    def _drain(self) -> None:
        while True:
            self._wake.wait(1.0)
            self._wake.clear()
            while self._outbox:
                data = self._outbox[0]
                if not self._send(data):
                    # Keep it; try again shortly. New messages keep queueing meanwhile.
                    self.server.sleep(RECONNECT_SECONDS / 2)
                    continue
                # A message appended while the oldest was being sent can have pushed it out.
                if self._outbox and self._outbox[0] is data:
                    self._outbox.popleft()

    def _send(self, data: Any) -> bool:
        try:
            if self._publisher is None:
                module = self._get_redis_module()
                self._publisher = module.Redis.from_url(self.redis_url, **self.redis_options)
            self._publisher.publish(self.channel, self.json.dumps(data))
        except Exception as error:  # any failure: Redis is away; report once
            if self._down_since is None:
                self._down_since = time.monotonic()
                log.warning(
                    "message queue: Redis unreachable (%s: %s); broadcasts for the other "
                    "processes wait in the outbox (%d at most)",
                    type(error).__name__,
                    error,
                    self._outbox.maxlen,
                )
            return False
        if self._down_since is not None or self._dropped:
            log.warning(
                "message queue: Redis is back after %.1f s; %s",
                time.monotonic() - (self._down_since or time.monotonic()),
                f"{self._dropped} broadcasts were dropped (their clients resync)"
                if self._dropped
                else "every broadcast was kept",
            )
            self._down_since = None
            self._dropped = 0
        return True

    # -- listening: reconnect quickly -------------------------------------

    def _redis_listen_with_retries(self) -> Any:
        subscribed = False
        failing = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    if failing:
                        log.warning("message queue: listening to Redis again")
                        failing = False
                yield from self.pubsub.listen()
            except Exception as error:  # any failure: reconnect, and say so once
                if not failing:
                    log.warning(
                        "message queue: lost the Redis subscription (%s: %s); retrying every "
                        "%.0f s",
                        type(error).__name__,
                        error,
                        RECONNECT_SECONDS,
                    )
                    failing = True
                subscribed = False
                self.server.sleep(RECONNECT_SECONDS)


def socketio_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """Return the message-queue arguments for `socketio.init_app`, from the app's settings.

    Always explicit: Flask-SocketIO keeps earlier `init_app` arguments, so an app
    without a queue must say so rather than inherit the previous app's manager.
    """
    url = config.get("MESSAGE_QUEUE")
    if not url:
        return {"message_queue": None, "client_manager": None}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        # Another broker (kombu, zmq): Flask-SocketIO builds its manager as before.
        return {"message_queue": url, "channel": config["MESSAGE_QUEUE_CHANNEL"]}
    manager = QueueToRedis(
        url,
        channel=config["MESSAGE_QUEUE_CHANNEL"],
        options=redis_options(config),
        outbox=config["MESSAGE_QUEUE_OUTBOX"],
    )
    return {"message_queue": None, "client_manager": manager}
