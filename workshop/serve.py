"""Serving the app with the async server it was configured for."""

from __future__ import annotations

import gc
import logging
import os
from pathlib import Path

from flask import Flask

from .extensions import socketio
from .schema import upgrade

log = logging.getLogger("workshop")


# Young objects are collected after this many allocations (CPython's default: 700).
# A join storm allocates in bursts; collecting less often costs little memory.
GC_YOUNG_THRESHOLD = 5_000


def settle_garbage_collector() -> None:
    """Keep the long-lived start-up objects out of every later collection.

    Modules, routes, templates and mappers never die; frozen, they are not
    traversed again each time the collector looks at the older generations.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def serve(app: Flask) -> None:
    """Serve on HOST:PORT (127.0.0.1:5000 by default) until interrupted."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    mode = app.config["ASYNC_MODE"]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    log.info("Serving on http://%s:%d with the %s async server", host, port, mode)
    if host in {"127.0.0.1", "localhost"}:
        log.info("Phones in the room cannot reach %s; use HOST=0.0.0.0 to serve the venue.", host)
    upgrade(app)  # the schema is brought up to date before anyone connects
    settle_garbage_collector()
    backlog = listen_backlog(app.config["LISTEN_BACKLOG"])
    options: dict[str, object] = {"host": host, "port": port, "use_reloader": False}
    if mode == "threading":
        # Werkzeug's threaded server with simple-websocket: fine for a room of people.
        # It takes no backlog argument; its listen() reads this class attribute.
        from werkzeug.serving import BaseWSGIServer

        BaseWSGIServer.request_queue_size = backlog
        options["allow_unsafe_werkzeug"] = True
    elif mode == "eventlet":
        # Flask-SocketIO opens eventlet's socket with eventlet's default backlog (50)
        # and no way to change it, so this opens it as socketio.run would, with ours.
        import eventlet
        import eventlet.wsgi

        eventlet.wsgi.server(eventlet.listen((host, port), backlog=backlog), app, log_output=True)
        return
    else:
        options["log_output"] = True
        options["backlog"] = backlog  # gevent's WSGIServer; its default is 128
    socketio.run(app, **options)  # type: ignore[arg-type]


SOMAXCONN = Path("/proc/sys/net/core/somaxconn")


def listen_backlog(configured: int) -> int:
    """Return the listen backlog to ask for, and log what the kernel will grant.

    During a join storm every phone's connection waits in this queue until the
    server accepts it; when it is full the kernel drops the SYN, and the phone
    retries a second or more later (ListenOverflows in /proc/net/netstat).
    Linux silently caps the value at net.core.somaxconn.
    """
    if configured < 1:
        raise ValueError(f"WORKSHOP_LISTEN_BACKLOG must be at least 1, not {configured}.")
    try:
        cap = int(SOMAXCONN.read_text())
    except (OSError, ValueError):
        log.info("Listen backlog %d (the kernel's cap is unknown here)", configured)
        return configured
    effective = min(configured, cap)
    if effective < configured:
        log.warning(
            "Listen backlog %d asked, %d granted: net.core.somaxconn caps it; raise it "
            "with sysctl -w net.core.somaxconn=%d",
            configured,
            effective,
            configured,
        )
    else:
        log.info("Listen backlog %d (net.core.somaxconn %d)", effective, cap)
    return configured
