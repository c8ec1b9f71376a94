"""Slow readers: a socket that stops reading is dropped, never buffered for without end.

python-engineio 4 with simple-websocket (the threading and gevent servers)
queues every packet for a socket in an unbounded queue and writes it with a
plain `send` and no timeout. A phone that stops reading but keeps its TCP
connection (a locked screen, Wi-Fi that drops packets) then holds a writer
blocked for ever while everything sent to it piles up in memory (about 4 MB a
minute for 20 such phones), and its connection is never closed: engine.io
gives up on the pings and forgets the socket, but the blocked writer and the
open TCP connection stay. Engine.io means to give the WebSocket's socket a
timeout of ping_interval + ping_timeout, but it looks for the socket under
names that simple-websocket's wrapper does not have.

`BoundedSocket`, installed as engine.io's Socket (one place, `init_app`):
- counts the bytes waiting in each socket's queue; past SOCKET_SEND_QUEUE_BYTES
  the phone has fallen too far behind and is dropped: its connection is shut
  down, and the page reconnects and resyncs from a fresh snapshot;
- gives the WebSocket's TCP socket the timeout engine.io meant it to have, so a
  write that makes no progress, or a connection silent past its pings, ends;
- writes whole frames (`sendall`): a plain `send` may write part of a frame
  (under gevent, or once the socket has a timeout), and the rest would be lost;
- shuts the connection down when engine.io closes a socket, such as one that
  failed its pings, instead of waiting on a writer that may never return, and
  whenever simple-websocket closes its socket: under gevent that socket is a
  copy, and closing it alone left the server's own copy open for ever.

It relies on engine.io's Socket internals (`send`, `poll`, `close`,
`_websocket_handler`) and on simple-websocket keeping its socket as `ws.sock`;
pyproject.toml pins the versions it was checked against. Eventlet's WebSocket
already has the timeout (engine.io finds its `socket`), and gets the bound too.
"""

from __future__ import annotations

import contextlib
import logging
import socket as sockets
import time
from typing import Any

import engineio.socket
from flask import Flask

log = logging.getLogger(__name__)

# What a closing socket is given to write engine.io's CLOSE packet before its
# connection is shut down under it.
CLOSE_GRACE_SECONDS = 1.0
# A backlog past the bound may drain for this long; past HARD_FACTOR times it, never.
BEHIND_GRACE_SECONDS = 5.0
HARD_FACTOR = 4

_ORIGINAL = engineio.socket.Socket


def _size(pkt: Any) -> int:
    """Bytes a packet holds in the queue; socket.io hands engine.io encoded text."""
    data = pkt.data
    return len(data) if isinstance(data, str | bytes) else 0


def _shut(transport: sockets.socket) -> None:
    """End a connection at once, whoever holds it: blocked reads and writes return."""
    with contextlib.suppress(OSError):  # closed already
        transport.shutdown(sockets.SHUT_RDWR)


class _WholeFrames:
    """simple-websocket's socket: whole frames, and a connection that ends when it closes."""

    def __init__(self, transport: sockets.socket) -> None:
        self._transport = transport

    def send(self, data: bytes) -> int:
        try:
            self._transport.sendall(data)
        except OSError:
            # Part of a frame may have gone: nothing written after it could be read.
            _shut(self._transport)
            raise
        return len(data)

    def close(self) -> None:
        # Under gevent, simple-websocket holds a copy (dup) of the server's socket, and
        # closing a copy leaves the connection open: the server's own copy would wait
        # for a next request that never comes. A shutdown ends the connection itself.
        _shut(self._transport)
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _transport_of(ws: Any) -> sockets.socket | None:
    """The TCP socket under engine.io's WebSocket: simple-websocket's, or eventlet's."""
    for candidate in (getattr(getattr(ws, "ws", None), "sock", None), getattr(ws, "socket", None)):
        if isinstance(candidate, sockets.socket):
            return candidate
    return None


class BoundedSocket(_ORIGINAL):  # type: ignore[misc, valid-type]
    """An engine.io socket with a bounded queue and a connection that always ends."""

    queued_bytes = 0  # approximate under threading: a bound, not an account
    behind_since: float | None = None
    dropped = False
    transport: sockets.socket | None = None

    def send(self, pkt: Any) -> None:
        if self.dropped:
            return
        size = _size(pkt)
        limit = getattr(self.server, "workshop_send_queue_bytes", 0)
        if limit and self._behind(limit):
            self._drop(f"{self.queued_bytes + size} bytes waiting to be sent")
            return
        self.queued_bytes += size
        super().send(pkt)

    def _behind(self, limit: int) -> bool:
        """Return whether this socket has fallen too far behind to be sent more.

        A whole state of a big room (the console's, with every answer) can pass the
        bound on its own, and the answers that follow it queue behind it while a
        venue's Wi-Fi carries it: that is a reader catching up, not a stalled one.
        So a backlog past the bound is allowed BEHIND_GRACE_SECONDS to drain, and
        only one past HARD_FACTOR times the bound, or one that stays past the bound
        longer, drops the socket.
        """
        if self.queued_bytes <= limit:
            self.behind_since = None
            return False
        if self.queued_bytes > HARD_FACTOR * limit:
            return True
        now = time.monotonic()
        if self.behind_since is None:
            self.behind_since = now
        return now - self.behind_since > BEHIND_GRACE_SECONDS

    def poll(self) -> list[Any]:
        packets = super().poll()
        self.queued_bytes = max(0, self.queued_bytes - sum(_size(p) for p in packets))
        return packets

    def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        # Closing without abort (a failed ping, a server-side disconnect) writes a CLOSE
        # packet and, with `wait`, waits for the writer: a stalled one would never return.
        # Scheduled first, the shutdown bounds both. (An abort comes from a transport
        # that has ended already.)
        if not abort and self.transport is not None and not (self.closed or self.closing):
            self.server.start_background_task(self._shut_after_grace)
        super().close(wait=wait, abort=abort, reason=reason)

    def _shut_after_grace(self) -> None:
        self.server.sleep(CLOSE_GRACE_SECONDS)
        if self.transport is not None:
            _shut(self.transport)  # a socket closed meanwhile refuses; nothing else is touched

    def _drop(self, why: str) -> None:
        """Drop a socket that fell too far behind; the phone reconnects and resyncs."""
        self.dropped = True
        log.warning("dropping socket %s, too far behind: %s", self.sid, why)
        if self.transport is not None:
            _shut(self.transport)
        # The sender may be a broadcast mid-loop: the disconnect runs on its own.
        self.server.start_background_task(
            self.close, wait=False, abort=True, reason=self.server.reason.TRANSPORT_ERROR
        )

    def _websocket_handler(self, ws: Any) -> Any:
        transport = _transport_of(ws)
        if transport is not None:
            self.transport = transport
            transport.settimeout(self.server.ping_interval + self.server.ping_timeout)
            inner = getattr(ws, "ws", None)
            if getattr(inner, "sock", None) is transport:
                inner.sock = _WholeFrames(transport)
        return super()._websocket_handler(ws)


def init_app(app: Flask) -> None:
    """Bound the app's sockets: install BoundedSocket and give the server its bound."""
    from ..extensions import socketio

    engineio.socket.Socket = BoundedSocket  # type: ignore[misc]  # engineio/server.py reads it here
    engine = socketio.server.eio
    engine.workshop_send_queue_bytes = int(app.config["SOCKET_SEND_QUEUE_BYTES"])
