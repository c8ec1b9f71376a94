"""Server CPU per joining phone, step by step, for both ways in.

    python bench/join_steps.py --n 1000

Starts the product (gevent, SQLite in a temporary folder) with a started
workshop and its console, then lets N phones join, one step at a
time for all of them at once, and prints the server's CPU per phone for each
step. "socket" is the page's way in (the join page, the socket, `phone:join`
with a name); "form" is the way without JavaScript (the join page, the form's
post, the live page it redirects to, the socket, `phone:join`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import psutil
import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server.live_server import (  # noqa: E402
    csrf_token,
    fresh_workshop,
    live_console,
    running_server,
)


class Phone:
    def __init__(self, n: int) -> None:
        self.n = n
        self.jar = aiohttp.CookieJar(unsafe=True)
        self.http = aiohttp.ClientSession(cookie_jar=self.jar)
        self.page = ""
        self.live_url = ""
        self.socket = socketio.AsyncClient(reconnection=False)

    def cookie(self) -> str:
        return "; ".join(f"{c.key}={c.value}" for c in self.jar)


async def _steps(
    url: str, code: str, workshop_id: int, n: int, way: str, server: psutil.Process
) -> None:
    phones = [Phone(k) for k in range(n)]

    async def page(p: Phone) -> None:
        async with p.http.get(f"{url}/j/{code}") as response:
            p.page = await response.text()

    async def post(p: Phone) -> None:
        form = {"csrf_token": csrf_token(p.page), "name": f"P{p.n}", "submit": "Join"}
        async with p.http.post(f"{url}/j/{code}", data=form, allow_redirects=False) as response:
            assert response.status == 302, response.status
            p.live_url = url + response.headers["Location"]

    async def live_page(p: Phone) -> None:
        async with p.http.get(p.live_url) as response:
            assert response.status == 200
            await response.read()

    async def connect(p: Phone) -> None:
        await p.socket.connect(url, headers={"Cookie": p.cookie()}, transports=["websocket"])

    async def join(p: Phone) -> None:
        fields = {"workshop_id": workshop_id}
        if way == "socket":
            fields.update(code=code, name=f"P{p.n}", join_key=f"k{p.n}")
        ack = await p.socket.call("phone:join", fields, timeout=60)
        assert ack["ok"], ack

    steps: list[tuple[str, Callable[[Phone], Awaitable[None]]]] = [("join page", page)]
    if way == "form":
        steps += [("form post", post), ("live page", live_page)]
    steps += [("WebSocket", connect), ("phone:join", join)]
    total = 0.0
    for name, step in steps:
        before = sum(server.cpu_times()[:2])
        await asyncio.gather(*(step(p) for p in phones))
        ms = 1000 * (sum(server.cpu_times()[:2]) - before) / n
        total += ms
        print(f"| {way} | {name} | {ms:.2f} |")
    print(f"| {way} | **all** | **{total:.2f}** |")
    for p in phones:
        await p.socket.disconnect()
        await p.http.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    print("| way in | step | server CPU ms per phone |\n| --- | --- | --- |")
    for way in ("form", "socket"):
        with tempfile.TemporaryDirectory() as folder, running_server(Path(folder), "gevent") as url:
            facilitator, workshop_id, code = fresh_workshop(url, "Join steps")
            console = live_console(url, facilitator, workshop_id)
            assert console.send("workshop:start")["ok"]
            [server] = [
                p
                for p in psutil.Process().children(recursive=True)
                if "wsgi.py" in " ".join(p.cmdline())
            ]
            asyncio.run(_steps(url, code, workshop_id, args.n, way, server))
            console.close()


if __name__ == "__main__":
    main()
