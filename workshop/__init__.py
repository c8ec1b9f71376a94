"""The workshop app: a live, facilitated partnership-strategy workshop."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from . import config as settings
from .extensions import csrf, login_manager, socketio


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
    from . import database, events, sequence, views  # noqa: F401
    from .ratelimit import limits
    from .realtime.coalesce import live_updates
    from .realtime.connections import connections
    from .realtime.publish import send_live_updates

    database.init_app(app)
    sequence.init()
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
        # Several processes serving one workshop relay their broadcasts through Redis.
        message_queue=app.config["MESSAGE_QUEUE"],
        channel=app.config["MESSAGE_QUEUE_CHANNEL"],
    )
    connections.clear()
    limits.reset()
    live_updates.init_app(send_live_updates)
    if app.config["MESSAGE_QUEUE"]:
        _share_presence(app.config["MESSAGE_QUEUE"])
    views.init_app(app)
    return app


def _share_presence(url: str) -> None:
    """Keep presence in Redis, refreshed in the background, when processes share a workshop."""
    from .realtime import presence
    from .realtime.connections import connections

    shared = presence.from_url(url)
    connections.shared = shared

    def keep_alive() -> None:
        while connections.shared is shared:
            socketio.sleep(presence.REFRESH_SECONDS)
            shared.refresh(connections.local_workshops())

    socketio.start_background_task(keep_alive)
