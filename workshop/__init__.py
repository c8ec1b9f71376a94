"""The workshop app: a live, facilitated partnership-strategy workshop."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from .extensions import csrf, login_manager, socketio
from .realtime import message_queue

# After a burst of presence changes, each process sends its consoles' counts once more.
PRESENCE_SETTLE_SECONDS = 1.0


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment."""
    overrides = dict(config or {})
    folder = Path(overrides.pop("INSTANCE_PATH", None) or settings.instance_path())
    folder.mkdir(parents=True, exist_ok=True)
    app = Flask(
        __name__,
        instance_path=str(folder),
        template_folder=str(settings.ROOT / "templates"),
        static_folder=str(settings.ROOT / "static"),
    )
    app.config.from_mapping(settings.from_environment(folder))
    app.config.update(overrides)
    app.config["ASYNC_MODE"] = settings.async_mode(app.config["ASYNC_MODE"])
    app.config["SESSION_COOKIE_SECURE"] = app.config["HTTPS"]
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["HTTPS"]

    # Handlers must be registered before init_app, which hands them to each new server.
    from . import database, events, views  # noqa: F401
    from .ratelimit import limits
    from .realtime.coalesce import live_updates
    from .realtime.connections import connections
    from .realtime.publish import deliver, send_live_updates
    from .services import unit_of_work

    database.init_app(app)
    unit_of_work.init()
    unit_of_work.set_publisher(deliver)
    csrf.init_app(app)
    login_manager.init_app(app)
    from . import access, cli  # noqa: F401  (the user loader; the flask commands)

    cli.init_app(app)
    socketio.init_app(
        app,
        # Always explicit: an installed eventlet must never be picked by detection.
        async_mode=app.config["ASYNC_MODE"],
        max_http_buffer_size=app.config["SOCKET_MAX_MESSAGE_BYTES"],
        # None means the app's own origin only; WORKSHOP_CORS_ORIGINS widens it.
        cors_allowed_origins=app.config["CORS_ORIGINS"],
        # Several processes serving one workshop relay their broadcasts through Redis,
        # with every wait on it bounded (realtime/message_queue.py).
        **message_queue.socketio_options(app.config),
        # A silent connection is closed once it misses its pings (realtime/backpressure.py).
        ping_interval=app.config["SOCKET_PING_INTERVAL"],
        ping_timeout=app.config["SOCKET_PING_TIMEOUT"],
    )
    # Each socket's queue is bounded and its writes time out: a phone that stops
    # reading is dropped, and reconnects and resyncs, instead of growing the server.
    from .realtime import backpressure

    backpressure.init_app(app)
    connections.clear()
    limits.reset()
    live_updates.init_app(send_live_updates)
    if app.config["MESSAGE_QUEUE"]:
        _share_presence(app)
    views.init_app(app)
    # Outermost, in front of engine.io too: no body over its limit reaches either.
    from . import bounded

    bounded.init_app(app)
    if proxies := int(app.config["TRUSTED_PROXIES"]):
        # Pages and the socket both see the phone's address, not the proxy's, so the
        # per-IP counts (ratelimit.py) count phones, not the whole venue behind nginx.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    return app


def _share_presence(app: Flask) -> None:
    """Keep presence in Redis, published in the background, when processes share a workshop."""
    from .realtime import presence
    from .realtime.coalesce import live_updates
    from .realtime.connections import connections
    from .realtime.message_queue import redis_options
    from .realtime.publish import COUNTS

    config = app.config
    shared = presence.from_url(
        config["MESSAGE_QUEUE"],
        connections.local_online,
        connections.local_workshops,
        {**redis_options(config), "max_connections": config["REDIS_MAX_CONNECTIONS"]},
        presence.PresenceTimings(
            ttl=config["PRESENCE_TTL"],
            refresh=config["PRESENCE_REFRESH"],
            flush=config["PRESENCE_FLUSH"],
        ),
        namespace=config["MESSAGE_QUEUE_CHANNEL"],
    )
    connections.shared = shared

    settling: set[int] = set()
    settling_lock = threading.Lock()

    def settle(workshop_id: int) -> None:
        # Every process sends counts after its own publication, read from what the others
        # had published by then, and the queue may deliver them in any order: the last
        # counts a console got could be a stale one. Each process sends them once more
        # when the burst is over, so the last word is read after everyone published.
        socketio.sleep(PRESENCE_SETTLE_SECONDS)
        with settling_lock:
            settling.discard(workshop_id)
        with app.app_context():
            live_updates.mark(workshop_id, COUNTS)

    def published(workshop_ids: Iterable[int]) -> None:
        # The consoles' counts are read from what was just published, on every process.
        with app.app_context():
            for workshop_id in workshop_ids:
                live_updates.mark(workshop_id, COUNTS)
                with settling_lock:
                    if workshop_id in settling:
                        continue
                    settling.add(workshop_id)
                socketio.start_background_task(settle, workshop_id)

    socketio.start_background_task(shared.run, socketio.sleep, published)
