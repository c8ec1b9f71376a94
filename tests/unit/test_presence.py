"""Presence across processes: published in batches, and never broken by one Redis error.

A small in-memory stand-in for Redis that can be taken down; the real Redis,
cut and hung through a proxy, is in tests/server/test_redis_outage.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from workshop.realtime.presence import PresenceTimings, RedisPresence


class FlakyRedis:
    """The few Redis commands presence uses; `down` makes every one fail."""

    def __init__(self) -> None:
        self.values: dict[str, bytes] = {}
        self.sets: dict[str, set[bytes]] = {}
        self.down = False
        self.round_trips = 0

    def _call(self) -> None:
        if self.down:
            raise RedisConnectionError("Connection refused")
        self.round_trips += 1

    def pipeline(self, transaction: bool = True) -> FlakyRedis.Pipeline:
        return FlakyRedis.Pipeline(self)

    class Pipeline:
        def __init__(self, redis: FlakyRedis) -> None:
            self.redis = redis
            self.commands: list[tuple[str, tuple[Any, ...]]] = []

        def __getattr__(self, name: str) -> Any:
            return lambda *args, **kwargs: self.commands.append((name, args))

        def execute(self) -> None:
            self.redis._call()
            for name, args in self.commands:
                if name == "set":
                    self.redis.values[args[0]] = args[1].encode()
                elif name == "delete":
                    self.redis.values.pop(args[0], None)
                elif name == "sadd":
                    self.redis.sets.setdefault(args[0], set()).add(args[1].encode())

    def smembers(self, key: str) -> set[bytes]:
        self._call()
        return set(self.sets.get(key, set()))

    def mget(self, keys: list[str]) -> list[bytes | None]:
        self._call()
        return [self.values.get(k) for k in keys]

    def ping(self) -> bool:
        self._call()
        return True

    def expire_everything(self) -> None:
        self.values.clear()


class Process:
    """One server process's registry of local phones, with its presence."""

    def __init__(self, redis: FlakyRedis, deployment: str = "workshop") -> None:
        self.phones: dict[int, set[int]] = {}
        self.presence = RedisPresence(
            redis,
            lambda w: frozenset(self.phones.get(w, ())),
            lambda: [w for w, people in self.phones.items() if people],
            PresenceTimings(ttl=60, refresh=3600, flush=0.1),
            namespace=deployment,
        )

    def arrives(self, workshop_id: int, participant_id: int) -> None:
        self.phones.setdefault(workshop_id, set()).add(participant_id)
        self.presence.came_online(workshop_id, participant_id)

    def leaves(self, workshop_id: int, participant_id: int) -> None:
        self.phones[workshop_id].discard(participant_id)
        self.presence.went_offline(workshop_id, participant_id)


@pytest.fixture
def redis() -> FlakyRedis:
    return FlakyRedis()


def test_a_crowd_leaving_is_published_in_one_round_trip(redis: FlakyRedis) -> None:
    one, two = Process(redis), Process(redis)
    for person in range(1000):
        one.arrives(1, person)
    one.presence.publish()
    assert two.presence.online(1) == frozenset(range(1000))

    before = redis.round_trips
    for person in range(1000):
        one.leaves(1, person)
    assert redis.round_trips == before  # leaving only marks the workshop
    assert one.presence.publish() == [1]
    assert redis.round_trips == before + 1
    assert two.presence.online(1) == frozenset()


def test_two_deployments_on_one_redis_never_see_each_others_phones(redis: FlakyRedis) -> None:
    # Each has its own channel; workshop 1 of one is not workshop 1 of the other.
    production, staging = Process(redis, "workshop"), Process(redis, "staging")
    production.arrives(1, 7)
    production.presence.publish()
    staging_too = Process(redis, "staging")
    staging_too.arrives(1, 8)
    staging_too.presence.publish()
    assert staging.presence.online(1) == {8}
    assert Process(redis, "workshop").presence.online(1) == {7}


def test_coming_and_going_while_redis_is_down_never_raises(redis: FlakyRedis) -> None:
    one = Process(redis)
    redis.down = True
    one.arrives(1, 7)
    one.leaves(1, 7)
    one.arrives(1, 8)
    assert one.presence.publish() == []  # kept for later, logged, not raised


def test_a_failed_read_serves_this_process_and_the_last_known_others(redis: FlakyRedis) -> None:
    one, two = Process(redis), Process(redis)
    two.arrives(1, 5)
    two.presence.publish()
    one.arrives(1, 7)
    assert one.presence.online(1) == {5, 7}

    redis.down = True
    one.arrives(1, 8)
    assert one.presence.online(1) == {5, 7, 8}


def test_presence_is_rewritten_whole_when_redis_returns_after_expiring_it(
    redis: FlakyRedis,
) -> None:
    one, two = Process(redis), Process(redis)
    one.arrives(1, 7)
    one.arrives(2, 9)
    one.presence.publish()

    redis.down = True
    one.presence.publish()
    one.arrives(1, 8)  # during the outage
    one.leaves(1, 7)
    assert one.presence.publish() == []
    redis.expire_everything()  # the outage outlived the presence's TTL

    redis.down = False
    assert one.presence.publish() == [1, 2]  # every workshop, not only the changed one
    assert two.presence.online(1) == {8}
    assert two.presence.online(2) == {9}


def test_a_process_without_phones_notices_redis_is_back(redis: FlakyRedis) -> None:
    console_only, phones = Process(redis), Process(redis)
    phones.arrives(1, 5)
    phones.presence.publish()
    redis.down = True
    assert console_only.presence.online(1) == frozenset()  # nothing known yet
    phones.arrives(1, 6)
    redis.down = False
    phones.presence.publish()

    console_only.presence.publish()  # its background tick: a probe, nothing to write
    assert console_only.presence.online(1) == {5, 6}


def test_an_outage_is_logged_once_not_once_per_tick(
    redis: FlakyRedis, caplog: pytest.LogCaptureFixture
) -> None:
    one = Process(redis)
    one.arrives(1, 7)
    redis.down = True
    for person in range(5):
        one.arrives(1, person)
        one.presence.publish()
        one.presence.online(1)
    redis.down = False
    one.presence.publish()
    said = [r.getMessage() for r in caplog.records if r.name == "workshop.realtime.presence"]
    assert [m.split(";")[0] for m in said] == [
        "presence: Redis unreachable (ConnectionError: Connection refused)",
        "presence: Redis is back",
    ]
