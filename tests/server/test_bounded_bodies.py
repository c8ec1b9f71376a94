"""A real server refuses bodies and socket messages over their limit without holding them."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import requests
import websocket

from tests.server.live_server import free_port, running_server

pytestmark = pytest.mark.server

MB = 1024 * 1024


@pytest.fixture
def server(request, tmp_path: Path, database_url) -> Iterator[tuple[str, int, psutil.Process]]:  # type: ignore[no-untyped-def]
    """A real server (gevent, the default, unless parametrized); its URL, port and process."""
    mode = getattr(request, "param", "gevent")
    port = free_port()
    with running_server(tmp_path, mode, port=port, database_url=database_url(tmp_path)) as url:
        yield url, port, listening_process(port)


def listening_process(port: int) -> psutil.Process:
    for child in psutil.Process().children(recursive=True):
        try:
            connections = child.net_connections(kind="tcp")
        except psutil.Error:
            continue
        if any(c.laddr.port == port and c.status == psutil.CONN_LISTEN for c in connections):
            return child
    raise AssertionError(f"no child process listens on {port}")


def settled(measure, at_most: float, timeout: float = 10) -> float:  # type: ignore[no-untyped-def]
    """Return `measure()` once it is at most `at_most`, or its last value after `timeout`."""
    deadline = time.monotonic() + timeout
    while (value := measure()) > at_most and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def polling_session(url: str) -> str:
    """Open an engine.io polling session and connect its socket.io namespace; return the sid."""
    opened = requests.get(url + "/socket.io/?EIO=4&transport=polling", timeout=5)
    sid = json.loads(opened.text[1:])["sid"]
    sent = requests.post(
        f"{url}/socket.io/?EIO=4&transport=polling&sid={sid}", data="40", timeout=5
    )
    assert sent.status_code == 200, sent.text
    return sid


def raw_post(port: int, path: str, headers: str, body: bytes = b"") -> socket.socket:
    """Send a POST's head (and `body`) on a new connection; return the open connection."""
    # Unanswered, an over-long polling post waited for minutes and kept its file handle.
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n"
    connection.sendall(head.encode() + body)
    return connection


def status_of(connection: socket.socket) -> str:
    reply = b""
    while b"\r\n" not in reply and (chunk := connection.recv(4096)):
        reply += chunk
    return reply.split(b"\r\n", 1)[0].decode()


def test_oversized_polling_posts_leave_no_file_handle_open(server) -> None:  # type: ignore[no-untyped-def]
    url, port, process = server
    sid = polling_session(url)
    before = process.num_fds()
    body = b"4" + b"x" * 70_000  # over the 64 KB message limit
    for _ in range(300):
        connection = raw_post(
            port,
            f"/socket.io/?EIO=4&transport=polling&sid={sid}",
            f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n",
            body,
        )
        with connection:
            assert status_of(connection).startswith("HTTP/1.1 413")
    assert settled(process.num_fds, at_most=before + 5) <= before + 5
    assert requests.get(url + "/", timeout=5).status_code == 200


def test_an_oversized_polling_post_is_answered_413(server) -> None:  # type: ignore[no-untyped-def]
    url, port, _ = server
    sid = polling_session(url)
    connection = raw_post(
        port,
        f"/socket.io/?EIO=4&transport=polling&sid={sid}",
        f"Content-Type: text/plain\r\nContent-Length: {70_000}\r\n",
        b"4" + b"x" * 69_999,
    )
    with connection:
        assert status_of(connection).startswith("HTTP/1.1 413")


def test_a_huge_login_post_is_refused_before_its_body_is_read(server) -> None:  # type: ignore[no-untyped-def]
    _, port, process = server
    before = process.memory_info().rss
    # The head announces 200 MB; the server answers without waiting for any of it.
    connection = raw_post(
        port,
        "/login",
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {200 * MB}\r\n",
    )
    with connection:
        assert status_of(connection).startswith("HTTP/1.1 413")
    assert process.memory_info().rss - before < 20 * MB


def test_a_chunked_body_over_the_limit_is_refused_after_the_limit(server) -> None:  # type: ignore[no-untyped-def]
    url, port, _ = server
    chunk = b"a=" + b"x" * (256 * 1024 - 2)
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(8)) + b"0\r\n\r\n"
    connection = raw_post(
        port,
        "/login",
        "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n",
        body,
    )
    with connection:
        assert status_of(connection).startswith("HTTP/1.1 413")
    assert requests.get(url + "/login", timeout=5).status_code == 200


def socket_connection(url: str) -> websocket.WebSocket:
    """A bare engine.io WebSocket with its socket.io namespace connected."""
    ws = websocket.create_connection(
        url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
        origin=url,
        timeout=10,
    )
    assert ws.recv().startswith("0")  # the engine.io handshake
    ws.send("40")
    assert ws.recv().startswith("40")
    return ws


def closed_by_server(ws: websocket.WebSocket, message: str) -> bool:
    """Send `message`; return whether the server then closed the connection."""
    # Generous, for a busy machine. Under threading, simple-websocket's reader could miss
    # the close of a too-big message and hold the connection for good (bounded.py).
    ws.settimeout(30)
    try:
        ws.send(message)
        while True:
            opcode, _ = ws.recv_data(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                return True
    except (websocket.WebSocketConnectionClosedException, ConnectionError):
        return True  # closed while the frame was still going out, or right after
    except websocket.WebSocketTimeoutException:
        return False
    finally:
        ws.close()


class PeakMemory:
    """The most memory a process held while the block ran, sampled in a thread."""

    def __init__(self, process: psutil.Process) -> None:
        self.process = process
        self.baseline = self.peak = process.memory_info().rss
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakMemory:
        self._sampler.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._sampler.join()

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


# Each server reads WebSocket frames its own way: simple-websocket under threading and
# gevent, eventlet's own under eventlet.
@pytest.mark.parametrize("server", ["gevent", "threading", "eventlet"], indirect=True)
def test_an_oversized_frame_closes_the_socket_without_holding_it(server) -> None:  # type: ignore[no-untyped-def]
    url, _, process = server
    socket_connection(url).close()  # the server's first socket costs some memory once
    frame = '42["phone:answer","' + "x" * (32 * MB) + '"]'
    with PeakMemory(process) as memory:
        for _ in range(4):
            assert closed_by_server(socket_connection(url), frame)
    # A 32 MB frame read whole costs at least 32 MB at once; refused early, next to nothing.
    assert memory.growth < 16 * MB, f"the server grew by {memory.growth / MB:.0f} MB"
    assert requests.get(url + "/", timeout=5).status_code == 200
