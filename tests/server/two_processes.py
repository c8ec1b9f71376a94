"""Two server processes behind one Redis, and crowds of phones for them.

The processes share one SQLite file (SQLite's write lock holds across
processes), so these tests need Redis only; test_scale_out.py runs the same
shape on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest
import socketio

from tests.server.live_server import running_server

T = TypeVar("T")


@contextlib.contextmanager
def two_processes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    redis_url: str,
    mode: str = "gevent",
    **settings: str,
) -> Iterator[tuple[str, str]]:
    """Run two servers on one database and one Redis channel; yield their base URLs.

    `settings` are extra environment variables for both (WORKSHOP_PRESENCE_TTL=...).
    """
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(16))
    monkeypatch.setenv("WORKSHOP_MESSAGE_QUEUE", redis_url)
    monkeypatch.setenv("WORKSHOP_MESSAGE_QUEUE_CHANNEL", f"test-{secrets.token_hex(4)}")
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    with contextlib.ExitStack() as stack:
        one = stack.enter_context(running_server(tmp_path / "one", mode, database_url=database))
        two = stack.enter_context(running_server(tmp_path / "two", mode, database_url=database))
        yield one, two


class Crowd:
    """Many phones, as python-socketio AsyncClients on one event loop in its own thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.phones: list[socketio.AsyncClient] = []

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def join(self, url: str, code: str, workshop_id: int, count: int, prefix: str) -> None:
        """Join `count` phones to the workshop on `url`, as the join page does."""

        async def one(n: int) -> socketio.AsyncClient:
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                async with http.get(f"{url}/j/{code}") as page:
                    assert page.status == 200, page.status
                    await page.read()
                cookie = "; ".join(f"{c.key}={c.value}" for c in jar)
            phone = socketio.AsyncClient(reconnection=False)
            await phone.connect(
                url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=30
            )
            ack = await phone.call(
                "phone:join",
                {
                    "workshop_id": workshop_id,
                    "code": code,
                    "name": f"{prefix} {n}",
                    "join_key": f"{prefix}-{n}-{secrets.token_hex(4)}",
                },
                timeout=30,
            )
            assert ack["ok"], ack
            return phone

        async def all_of_them() -> list[socketio.AsyncClient]:
            # A few at a time: the test is about leaving at once, not about the join storm.
            gate = asyncio.Semaphore(50)

            async def gated(n: int) -> socketio.AsyncClient:
                async with gate:
                    return await one(n)

            return list(await asyncio.gather(*(gated(n) for n in range(count))))

        self.phones.extend(self.run(all_of_them()))

    def leave_at_once(self) -> None:
        """Close every phone's socket at the same moment."""

        async def leave() -> None:
            await asyncio.gather(*(p.disconnect() for p in self.phones), return_exceptions=True)

        self.run(leave())
        self.phones.clear()

    def close(self) -> None:
        if self.phones:
            self.leave_at_once()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
