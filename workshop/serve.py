"""Serving the app with the async server it was configured for."""

from __future__ import annotations

import gc
import logging
import os

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
    options: dict[str, object] = {"host": host, "port": port, "use_reloader": False}
    if mode == "threading":
        # Werkzeug's threaded server with simple-websocket: fine for a room of people.
        options["allow_unsafe_werkzeug"] = True
    else:
        options["log_output"] = True
    socketio.run(app, **options)  # type: ignore[arg-type]
