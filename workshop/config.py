"""Settings from environment variables, with safe defaults for a laptop in a venue."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ASYNC_MODES = ("threading", "gevent", "eventlet")
# Chosen by the benchmark (docs/performance.md): gevent answered 10x faster than
# threading and 5x faster than eventlet at the same load. wsgi.py has the same default.
DEFAULT_ASYNC_MODE = "gevent"


def instance_path() -> Path:
    """Return the folder for the database and the generated secret key."""
    return Path(os.environ.get("WORKSHOP_INSTANCE_PATH", ROOT / "instance")).resolve()


def async_mode(value: str | None = None) -> str:
    """Return the async server mode to use, checked; never left to auto-detection."""
    mode = (value or os.environ.get("WORKSHOP_ASYNC_MODE") or DEFAULT_ASYNC_MODE).strip().lower()
    if mode not in ASYNC_MODES:
        raise ValueError(
            f"WORKSHOP_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}, not {mode!r}."
        )
    return mode


def secret_key(folder: Path) -> str:
    """Return SECRET_KEY, or one generated once and kept, so restarts keep sessions valid."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = folder / "secret_key"
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Written with owner-only rights; a second process racing here keeps the first key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database_url(folder: Path) -> str:
    return os.environ.get("WORKSHOP_DATABASE_URL") or f"sqlite:///{folder / 'workshop.db'}"


def trusted_proxies(value: str | None) -> int:
    """Return the number of trusted proxies, checked (0 when unset)."""
    text = (value or "0").strip()
    if not text.isdigit() or int(text) > 10:
        raise ValueError(f"WORKSHOP_TRUSTED_PROXIES must be a number from 0 to 10, not {text!r}.")
    return int(text)


def from_environment(folder: Path) -> dict[str, Any]:
    """Return the app's settings read from the environment."""
    return {
        "SECRET_KEY": secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": database_url(folder),
        "ASYNC_MODE": async_mode(),
        # Where phones reach the app, when a proxy hides it; otherwise taken from the request.
        "PUBLIC_URL": os.environ.get("WORKSHOP_PUBLIC_URL", "").rstrip("/") or None,
        "HTTPS": os.environ.get("WORKSHOP_HTTPS") == "1",
        # How many proxies in front set X-Forwarded-For/-Proto/-Host (nginx: 1). With 0 the
        # headers are ignored, since anyone can send them; with too many, anyone can pick
        # their own address and dodge the per-IP counts.
        "TRUSTED_PROXIES": trusted_proxies(os.environ.get("WORKSHOP_TRUSTED_PROXIES")),
        "CORS_ORIGINS": [o.strip() for o in os.environ["WORKSHOP_CORS_ORIGINS"].split(",")]
        if os.environ.get("WORKSHOP_CORS_ORIGINS")
        else None,
        # redis://host:6379/0 when several server processes serve the same workshops.
        "MESSAGE_QUEUE": os.environ.get("WORKSHOP_MESSAGE_QUEUE") or None,
        "MESSAGE_QUEUE_CHANNEL": os.environ.get("WORKSHOP_MESSAGE_QUEUE_CHANNEL", "workshop"),
        # Every wait on Redis is bounded (seconds): a hung Redis must not freeze the room.
        "REDIS_TIMEOUT": float(os.environ.get("WORKSHOP_REDIS_TIMEOUT", "2")),
        "REDIS_CONNECT_TIMEOUT": float(os.environ.get("WORKSHOP_REDIS_CONNECT_TIMEOUT", "2")),
        # Presence's connections per process; a burst beyond it waits up to REDIS_TIMEOUT.
        "REDIS_MAX_CONNECTIONS": int(os.environ.get("WORKSHOP_REDIS_MAX_CONNECTIONS", "20")),
        # Broadcasts held for the other processes while Redis is away; the oldest go first.
        "MESSAGE_QUEUE_OUTBOX": int(os.environ.get("WORKSHOP_MESSAGE_QUEUE_OUTBOX", "5000")),
        # A process's presence expires this long after it last wrote it (a crash's phones
        # drop out); it is rewritten every PRESENCE_REFRESH seconds, changes every 0.1 s.
        "PRESENCE_TTL": float(os.environ.get("WORKSHOP_PRESENCE_TTL", "60")),
        "PRESENCE_REFRESH": float(os.environ.get("WORKSHOP_PRESENCE_REFRESH", "20")),
        "PRESENCE_FLUSH": float(os.environ.get("WORKSHOP_PRESENCE_FLUSH", "0.1")),
        # Connections the kernel queues before the server accepts them; a join storm of
        # 1,000 phones overflowed gevent's default of 128. Capped by net.core.somaxconn.
        "LISTEN_BACKLOG": int(os.environ.get("WORKSHOP_LISTEN_BACKLOG", "2048")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        # A phone keeps its place in a workshop for a long day and a follow-up.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        "SOCKET_MAX_MESSAGE_BYTES": 64 * 1024,
        # Engine.io's pings (seconds); a connection silent past both is closed, and a write
        # that makes no progress that long ends it (realtime/backpressure.py).
        "SOCKET_PING_INTERVAL": float(os.environ.get("WORKSHOP_SOCKET_PING_INTERVAL", "25")),
        "SOCKET_PING_TIMEOUT": float(os.environ.get("WORKSHOP_SOCKET_PING_TIMEOUT", "20")),
        # Bytes waiting to go to one socket before it counts as too far behind and is
        # dropped (the page reconnects and resyncs); a single bigger message still goes.
        "SOCKET_SEND_QUEUE_BYTES": int(
            os.environ.get("WORKSHOP_SOCKET_SEND_QUEUE_BYTES", str(2 * 1024 * 1024))
        ),
        # Every request body is bounded (workshop/bounded.py); forms and logins are small.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # The import upload alone may be larger: a 20 MB file and its form around it.
        "IMPORT_MAX_CONTENT_LENGTH": 21 * 1024 * 1024,
        # Live counts and reaction tallies go to the console and projector at most this often
        # (seconds); 0 sends each at once, in the caller's thread.
        "LIVE_UPDATE_INTERVAL": float(os.environ.get("WORKSHOP_LIVE_UPDATE_INTERVAL", "0.25")),
        "SQLITE_BUSY_TIMEOUT_MS": 15_000,
        # Connections each process keeps open to a server database (PostgreSQL); SQLite ignores it.
        "DATABASE_POOL_SIZE": int(os.environ.get("WORKSHOP_DATABASE_POOL_SIZE", "20")),
        # Bounds on every wait on PostgreSQL, in seconds (database.py): a hung database
        # costs a phone one retry within the page's 8 s request timeout, not the room.
        "DATABASE_CONNECT_TIMEOUT": float(os.environ.get("WORKSHOP_DATABASE_CONNECT_TIMEOUT", "2")),
        "DATABASE_STATEMENT_TIMEOUT": float(
            os.environ.get("WORKSHOP_DATABASE_STATEMENT_TIMEOUT", "4")
        ),
        # Longer than the rest: a join storm queues for the pool for many seconds, and a
        # hung database frees its connections within the statement bounds anyway (3 s
        # refused 529 of 600 joins in a storm on PostgreSQL; 10 s, 115 of 1,000).
        "DATABASE_POOL_TIMEOUT": float(os.environ.get("WORKSHOP_DATABASE_POOL_TIMEOUT", "30")),
        "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT": float(
            os.environ.get("WORKSHOP_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT", "15")
        ),
    }
