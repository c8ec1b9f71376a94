"""Redis going away, or hanging, costs the room nothing it can serve without Redis.

A fault proxy stands between the servers and Redis, as in the runs that found
these: after one cut, presence never came back (the refresher died on its
first error, and Redis's expiry then removed everyone), a phone joining in the
outage got server_error, and a hung Redis held every acknowledgement.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from tests.server.fault_proxy import FaultProxy
from tests.server.live_server import LiveClient, fresh_workshop, live_console, running_server
from tests.server.two_processes import two_processes

pytestmark = pytest.mark.server

# Short enough that the test outlives the presence, so the heal cannot come from Redis.
FAST_PRESENCE = {
    "WORKSHOP_PRESENCE_TTL": "2",
    "WORKSHOP_PRESENCE_REFRESH": "0.5",
    "WORKSHOP_REDIS_TIMEOUT": "1",
    "WORKSHOP_REDIS_CONNECT_TIMEOUT": "1",
}


@pytest.fixture
def proxy(redis_url: str) -> Iterator[FaultProxy]:
    target = redis.Redis.from_url(redis_url).connection_pool.connection_kwargs
    with FaultProxy(target.get("host", "127.0.0.1"), int(target.get("port", 6379))) as running:
        yield running


def through(proxy: FaultProxy, redis_url: str) -> str:
    db = redis.Redis.from_url(redis_url).connection_pool.connection_kwargs.get("db", 0)
    return f"redis://127.0.0.1:{proxy.port}/{db}"


def phone(url: str, code: str, workshop_id: int, name: str) -> LiveClient:
    """A phone that opened the join page and joined with a name over the socket."""
    browser = requests.Session()
    assert browser.get(f"{url}/j/{code}", timeout=5).status_code == 200
    client = LiveClient(url, browser)
    client.connect()
    ack = join(client, code, workshop_id, name)
    assert ack["ok"], ack
    return client


def join(client: LiveClient, code: str, workshop_id: int, name: str) -> Any:
    payload = {"workshop_id": workshop_id, "code": code, "name": name}
    return client.send("phone:join", {**payload, "join_key": f"{name}-{secrets.token_hex(4)}"})


def presence_values(redis_url: str, workshop_id: int) -> list[bytes]:
    """Return the keys of the workshop's presence values in Redis, one per process."""
    direct = redis.Redis.from_url(redis_url)
    # two_processes gave this test's servers a channel of their own, which starts their keys.
    pattern = f"{os.environ['WORKSHOP_MESSAGE_QUEUE_CHANNEL']}:presence:w{workshop_id}:*"
    return [k for k in direct.scan_iter(pattern) if not k.endswith(b":processes")]


def wait_for_expiry(redis_url: str, workshop_id: int, timeout: float = 30) -> None:
    """Return once Redis itself holds no presence for the workshop (its TTL ran out)."""
    deadline = time.monotonic() + timeout
    while presence_values(redis_url, workshop_id):
        assert time.monotonic() < deadline, "the presence never expired in Redis"
        time.sleep(0.1)


def test_presence_heals_by_itself_after_redis_was_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str, proxy: FaultProxy
) -> None:
    with two_processes(tmp_path, monkeypatch, through(proxy, redis_url), **FAST_PRESENCE) as (
        one,
        two,
    ):
        facilitator, workshop_id, code = fresh_workshop(one, "Redis goes away")
        console = live_console(one, facilitator, workshop_id)
        ana = phone(two, code, workshop_id, "Ana")
        ben = phone(two, code, workshop_id, "Ben")
        console.wait_until("counts", lambda c: c["connected"] == 2)
        assert console.send("workshop:start")["ok"]
        question_id = ana.wait_for("state")[-1]["question"]["id"]
        # Waiting for its expiry below proves nothing unless it is where this test looks.
        assert presence_values(redis_url, workshop_id)

        proxy.cut()
        # The room goes on: a phone answers, one leaves, one joins (no server_error).
        answer = {"question_id": question_id, "text": "Fresh fish", "client_key": "ana-1"}
        assert ana.send("answer:submit", answer)["ok"]
        ben.close()
        cy = phone(two, code, workshop_id, "Cy")
        wait_for_expiry(redis_url, workshop_id)

        mark = len(console.received)
        proxy.heal()
        console.wait_until("counts", lambda c: c["connected"] == 2, timeout=10, since=mark)
        state = console.send("console:join", {"workshop_id": workshop_id})["state"]
        connected = {p["name"]: p["connected"] for p in state["participants"]}
        assert connected == {"Ana": True, "Ben": False, "Cy": True}
        for client in (ana, cy, console):
            client.close()


@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_an_answer_is_acknowledged_and_heard_on_its_process_while_redis_hangs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str, proxy: FaultProxy, mode: str
) -> None:
    monkeypatch.setenv("WORKSHOP_MESSAGE_QUEUE", through(proxy, redis_url))
    monkeypatch.setenv("WORKSHOP_MESSAGE_QUEUE_CHANNEL", f"test-{secrets.token_hex(4)}")
    for name, value in FAST_PRESENCE.items():
        monkeypatch.setenv(name, value)
    with running_server(tmp_path, mode) as url:
        facilitator, workshop_id, code = fresh_workshop(url, "Redis hangs")
        console = live_console(url, facilitator, workshop_id)
        ana = phone(url, code, workshop_id, "Ana")
        assert console.send("workshop:start")["ok"]
        question_id = ana.wait_for("state")[-1]["question"]["id"]

        proxy.pause()  # connections stay open, nothing comes back: Redis hangs
        answer = {"question_id": question_id, "text": "Fresh fish", "client_key": "ana-1"}
        # A few seconds at most (the client gives up at 10 s), with the answer stored.
        assert ana.sio.call("answer:submit", answer, timeout=5)["ok"]
        # The console on this process still hears it; only the other processes wait.
        assert console.wait_for("answer")[-1]["answer"]["text"] == "Fresh fish"
        proxy.resume()
        for client in (ana, console):
            client.close()
