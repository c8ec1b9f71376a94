"""Phones that stop reading cost the server a bounded amount, and their connections end.

A stalled phone is a raw WebSocket client with a tiny receive buffer that
joins and then never reads again, like a locked phone whose TCP connection
stays up. While the facilitator moves a room whose snapshots are big, the
server must not buffer for it without end: it drops a phone that falls too
far behind, closes a connection that misses its pings, and keeps serving the
phone that reads.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
import requests
import websocket

from tests.server.live_server import (
    LiveClient,
    fresh_workshop,
    live_console,
    post_form,
    running_server,
)

pytestmark = pytest.mark.server

STALLED_PHONES = 20
# Small enough that the stalled phones are dropped in seconds, with room for a snapshot.
QUEUE_BOUND = 256 * 1024
STATEMENTS = ("motivation", "must_haves", "can_dos", "sphere", "vision")
# A statement at its longest, in Arabic: JSON carries each letter as a 6-byte escape, so
# each edit sends every phone about 12 KB.
LONG_STATEMENT = "شراكة من أجل التغيير " * 95


class StalledPhone:
    """A phone that joins over a raw WebSocket and then never reads again."""

    def __init__(self, url: str, code: str, workshop_id: int) -> None:
        self.workshop_id = workshop_id
        browser = _joined_browser(url, code, "Stalled")
        cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
        self.ws = websocket.create_connection(
            url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
            header=[f"Cookie: {cookie}"],
            # The smallest receive buffer the kernel allows: the server's writes stall soon.
            sockopt=[
                (socket.SOL_SOCKET, socket.SO_RCVBUF, 1024),
                (socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536),
            ],
            timeout=10,
        )
        assert self.ws.recv().startswith("0")  # engine.io's OPEN
        self.ws.send("40")
        assert self.ws.recv().startswith("40")  # socket.io's CONNECT
        self.ws.send("421" + json.dumps(["phone:join", {"workshop_id": workshop_id}]))
        while not (message := self.ws.recv()).startswith("431"):
            pass  # a state may come before the acknowledgement
        assert json.loads(message[3:])[0]["ok"]
        self.port = self.ws.sock.getsockname()[1]
        self.alive = True
        # From here on it reads nothing, and answers no ping.

    def resync(self) -> None:
        """Ask for the whole snapshot again, and read none of it."""
        if not self.alive:
            return
        try:
            self.ws.send("422" + json.dumps(["phone:join", {"workshop_id": self.workshop_id}]))
        except (OSError, websocket.WebSocketException):
            self.alive = False  # the server dropped it


def server_process(port: int) -> psutil.Process:
    """The server process listening on `port` (one of this test's children)."""
    for child in psutil.Process().children(recursive=True):
        try:
            if any(c.laddr.port == port for c in child.net_connections("tcp")):
                return child
        except psutil.Error:
            continue
    raise AssertionError(f"no child process listens on {port}")


def held_by_server(server: psutil.Process, phones: list[StalledPhone]) -> list[int]:
    """The stalled phones whose connections the server still holds open."""
    ports = {p.port for p in phones}
    return [
        c.raddr.port for c in server.net_connections("tcp") if c.raddr and c.raddr.port in ports
    ]


def _joined_browser(url: str, code: str, name: str) -> requests.Session:
    browser = requests.Session()
    joined = post_form(browser, f"{url}/j/{code}", {"name": name, "submit": "Join"})
    assert joined.status_code == 302, joined.text
    return browser


@dataclass
class Room:
    """A room in synthesis whose every statement is long, with a phone that reads."""

    url: str
    console: LiveClient
    reader: LiveClient
    code: str
    workshop_id: int
    server: psutil.Process

    def stalled_phones(self, count: int = STALLED_PHONES) -> list[StalledPhone]:
        return [StalledPhone(self.url, self.code, self.workshop_id) for _ in range(count)]


@contextmanager
def synthesis_room(folder: Path, mode: str = "gevent") -> Iterator[Room]:
    with running_server(folder, mode) as url:
        facilitator, workshop_id, code = fresh_workshop(url, "Slow readers")
        console = live_console(url, facilitator, workshop_id)
        reader = LiveClient(url, _joined_browser(url, code, "Reader"))
        reader.join_on_every_connect("phone:join", {"workshop_id": workshop_id})
        try:
            reader.connect()
            reader.wait_for("joined")
            assert console.send("workshop:start")["ok"]
            assert console.send("workshop:synthesis")["ok"]
            for field in STATEMENTS:
                ack = console.send(
                    "canvas:statement", {"field": field, "text": LONG_STATEMENT, "version": 0}
                )
                assert ack["ok"], ack
            server = server_process(int(url.rsplit(":", 1)[1]))
            yield Room(url, console, reader, code, workshop_id, server)
        finally:
            reader.close()
            console.close()


class Editor:
    """The facilitator rewriting the vision: each edit goes to every phone."""

    def __init__(self, console: LiveClient) -> None:
        self.console = console
        self.version = 1
        self.edits = 0

    def edit(self) -> None:
        """Send one edit, waiting out the facilitator's rate limit when it says so."""
        text = LONG_STATEMENT[: len(LONG_STATEMENT) - 1 - self.edits % 2]
        while True:
            ack = self.console.send(
                "canvas:statement", {"field": "vision", "text": text, "version": self.version}
            )
            if ack["ok"] or ack["error"]["code"] != "rate_limited":
                break
            time.sleep(0.2)  # the limit's window moves on; nothing else to wait for
        assert ack["ok"], ack
        self.version = ack["field"]["version"]
        self.edits += 1


@pytest.mark.parametrize("mode", ["gevent", "threading", "eventlet"])
def test_a_phone_silent_past_its_pings_has_its_connection_closed_by_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    # Short, but not so short that a busy test machine makes the console miss a pong.
    monkeypatch.setenv("WORKSHOP_SOCKET_PING_INTERVAL", "1")
    monkeypatch.setenv("WORKSHOP_SOCKET_PING_TIMEOUT", "3")
    with synthesis_room(tmp_path, mode) as room:
        stalled = room.stalled_phones()
        editor = Editor(room.console)
        # A ping interval and timeout, a grace to write the CLOSE, and a margin.
        deadline = time.monotonic() + 1 + 3 + 1 + 5
        while held_by_server(room.server, stalled) and time.monotonic() < deadline:
            editor.edit()

        assert held_by_server(room.server, stalled) == []
        editor.edit()
        room.reader.wait_for("canvas_field", count=len(STATEMENTS) + editor.edits)
        assert room.reader.sio.connected, "the phone that reads answers its pings and stays"


def test_a_phone_that_falls_too_far_behind_is_dropped_and_the_server_stays_small(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pings far apart: here it is the queue's bound that must end the stalled phones.
    monkeypatch.setenv("WORKSHOP_SOCKET_PING_INTERVAL", "60")
    monkeypatch.setenv("WORKSHOP_SOCKET_PING_TIMEOUT", "60")
    monkeypatch.setenv("WORKSHOP_SOCKET_SEND_QUEUE_BYTES", str(QUEUE_BOUND))
    with synthesis_room(tmp_path) as room:
        stalled = room.stalled_phones()
        editor = Editor(room.console)
        before = room.server.memory_info().rss
        deadline = time.monotonic() + 20
        while held_by_server(room.server, stalled) and time.monotonic() < deadline:
            # Each asks for its whole snapshot again (about 60 KB) and reads none of it,
            # as an attacker would; the room moves on meanwhile.
            for phone in stalled:
                phone.resync()
            editor.edit()
        grown = room.server.memory_info().rss - before

        assert held_by_server(room.server, stalled) == []
        assert grown < 16 * 2**20, f"the server grew by {grown / 2**20:.0f} MB"
        room.reader.wait_for("canvas_field", count=len(STATEMENTS) + editor.edits)
        assert room.reader.sio.connected
