"""A request stuck waiting on the database must not freeze everyone else, in any async mode.

Another connection holds the database's write lock (SQLite) or the workshop's
row lock (PostgreSQL) for a while; a phone's answer has to wait for it. During
that wait the server must go on answering other people at once.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.server.live_server import (
    LiveClient,
    create_workshop,
    running_server,
    signed_up_facilitator,
)

pytestmark = pytest.mark.server
HOLD_SECONDS = 2.0


def _hold_lock(database_url: str, workshop_id: int, locked: threading.Event) -> None:
    """Hold the write lock (SQLite) or the workshop row (PostgreSQL) for HOLD_SECONDS."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(HOLD_SECONDS)
        connection.execute("ROLLBACK")
        connection.close()
    else:
        import psycopg

        with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
            connection.execute("SELECT id FROM workshops WHERE id = %s FOR UPDATE", (workshop_id,))
            locked.set()
            time.sleep(HOLD_SECONDS)
            connection.rollback()


@pytest.mark.parametrize("mode", ["threading", "gevent", "eventlet"])
def test_a_request_waiting_on_the_database_does_not_freeze_the_others(
    tmp_path: Path, mode: str, database_url
) -> None:
    url_of_db = database_url(tmp_path)
    with running_server(tmp_path, mode, database_url=url_of_db) as url:
        facilitator = signed_up_facilitator(url)
        workshop_id = create_workshop(url, facilitator, f"Waiting under {mode}")
        console = LiveClient(url, facilitator)
        console.connect()
        assert console.send("console:join", {"workshop_id": workshop_id})["ok"]
        assert console.send("workshop:start")["ok"]

        locked = threading.Event()
        holder = threading.Thread(target=_hold_lock, args=(url_of_db, workshop_id, locked))
        holder.start()
        assert locked.wait(5)
        started = time.monotonic()
        waiting: dict[str, object] = {}
        blocked = threading.Thread(
            target=lambda: waiting.update(ack=console.send("workshop:next")), daemon=True
        )
        blocked.start()
        time.sleep(0.2)  # the facilitator's move is now waiting on the lock

        latencies = []
        for _ in range(5):
            began = time.monotonic()
            assert requests.get(url + "/", timeout=10).status_code == 200
            latencies.append(time.monotonic() - began)
        blocked.join(timeout=20)
        holder.join(timeout=10)
        waited = time.monotonic() - started
        console.close()

        print(
            f"\n{mode} on {url_of_db.split(':')[0]}: others served in "
            f"{max(latencies) * 1000:.0f} ms at worst while one move waited {waited:.1f} s"
        )
        assert waiting["ack"]["ok"], "the waiting move went through once the lock was free"
        assert max(latencies) < HOLD_SECONDS / 4, (mode, latencies)
