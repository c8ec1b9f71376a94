"""Refusing request bodies over the limit before anything in the app reads them.

The middleware sits in front of the whole app, engine.io included: python-engineio
answers an over-long polling POST without reading it, and under gevent that
request then hangs and keeps its file handle until the process runs out of them.
Here a body over the limit is refused with 413 and the connection is closed, so
the unread rest of it is never waited for. The same limit is handed to Flask, so
its form parser agrees with the middleware.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, Request

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

# Where the middleware leaves the limit it applied, for Flask's own check.
LIMIT_KEY = "workshop.max_content_length"


class BoundedRequest(Request):
    """A request whose body limit is the one the middleware chose for its path."""

    @property  # type: ignore[override]
    def max_content_length(self) -> int | None:
        limit = self.environ.get(LIMIT_KEY)
        return limit if limit is not None else super().max_content_length


class BoundedBodies:
    """WSGI middleware: refuse a body larger than its path allows, reading at most the limit."""

    def __init__(self, app: WSGIApp, default: int, by_prefix: Mapping[str, int]) -> None:
        self.app = app
        self.default = default
        # Longest prefix first, so "/workshops/import" wins over anything shorter.
        self.by_prefix = sorted(by_prefix.items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.by_prefix:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return limit
        return self.default

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        limit = self.limit_for(environ.get("PATH_INFO") or "/")
        environ[LIMIT_KEY] = limit
        declared = environ.get("CONTENT_LENGTH") or ""
        if declared:
            if not declared.isdigit():
                return _refuse(start_response, "400 Bad Request", "Content-Length is not a number.")
            if int(declared) > limit:
                return _refuse(start_response, "413 Content Too Large", _too_large(limit))
        elif _chunked(environ):
            # No declared length: read one byte past the limit, never more.
            body = environ["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return _refuse(start_response, "413 Content Too Large", _too_large(limit))
            # What was read is now the whole body, with a length the app can trust
            # (engine.io reads CONTENT_LENGTH bytes and nothing else).
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["wsgi.input_terminated"] = True
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)


def _chunked(environ: Environ) -> bool:
    # An HTTP/1.1 request with neither a length nor chunks has no body: nothing to read
    # (and reading would wait on the socket under some servers).
    return "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()


def _too_large(limit: int) -> str:
    return f"The request is too large: the limit here is {_size(limit)}."


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    return f"{count / 1024:g} KB"


def _refuse(start_response: StartResponse, status: str, message: str) -> list[bytes]:
    body = (message + "\n").encode()
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            # The rest of the body is never read, so the connection cannot be reused.
            ("Connection", "close"),
        ],
    )
    return [body]


def _bounded_websocket(base: type, *, threads: bool) -> type:
    """Return the engine.io WebSocket class `base`, told the largest message to accept.

    python-engineio checks a message's size only once it holds all of it, and it does
    not pass its limit on to simple-websocket (threading and gevent), so a 64 MB frame
    was read whole first. With `max_message_size`, simple-websocket counts the bytes
    as they arrive and closes the connection (1009) as soon as the limit is passed.
    Eventlet's WebSocket already receives the limit as `max_frame_length`.
    """

    class BoundedWebSocket(base):  # type: ignore[misc, valid-type]
        def __init__(self, handler: Any, server: Any, **options: Any) -> None:
            super().__init__(handler, server, **options)
            if isinstance(getattr(self, "server_args", None), dict):
                self.server_args.setdefault("max_message_size", int(server.max_http_buffer_size))

        if threads:

            def wait(self) -> Any:
                # simple-websocket wakes its reader before it marks a too-big message's
                # connection closed; with threads, a reader woken in between waited for
                # ever, and held the connection. Look again every second.
                import simple_websocket

                while True:
                    try:
                        message = self.ws.receive(timeout=1)
                    except simple_websocket.ConnectionClosed:
                        return None
                    if message is not None or not self.ws.connected:
                        return message

    return BoundedWebSocket


def init_app(app: Flask, socket_path: str = "/socket.io") -> None:
    """Bound every request body: the socket's polling posts, the import upload, the rest,
    and every WebSocket message."""
    from .extensions import socketio

    engine = socketio.server.eio
    # A copy: the driver's table is shared by every server made in this process.
    websocket = _bounded_websocket(
        engine._async["websocket"], threads=engine.async_mode == "threading"
    )
    engine._async = {**engine._async, "websocket": websocket}
    app.request_class = BoundedRequest
    app.wsgi_app = BoundedBodies(  # type: ignore[method-assign]
        app.wsgi_app,
        default=app.config["MAX_CONTENT_LENGTH"],
        by_prefix={
            socket_path: app.config["SOCKET_MAX_MESSAGE_BYTES"],
            "/workshops/import": app.config["IMPORT_MAX_CONTENT_LENGTH"],
        },
    )
