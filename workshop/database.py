"""Database set-up: SQLite in WAL mode with a busy timeout and foreign keys."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from .extensions import db
from .services.transactions import IMMEDIATE


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is off: on_begin below says BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets the projector's reads go on while a phone's answer is written.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


# Under gevent or eventlet a C-level wait would stop every greenlet: the driver
# waits only this long, and longer waits happen here, in Python, where sleeping
# lets the other connections run.
GREEN_BUSY_TIMEOUT_MS = 20
_RETRY_SECONDS = 0.02


def _begin(total_wait_seconds: float) -> Callable[[Connection], None]:
    def on_begin(connection: Connection) -> None:
        """Begin SQLite transactions ourselves: IMMEDIATE for a service's writes."""
        if not connection.get_execution_options().get(IMMEDIATE):
            connection.exec_driver_sql("BEGIN")
            return
        deadline = time.monotonic() + total_wait_seconds
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            time.sleep(_RETRY_SECONDS)  # monkey-patched: other greenlets run meanwhile

    return on_begin


def init_app(app: Flask) -> None:
    """Attach the database to the app. The schema comes from migrations (schema.py)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        green = app.config["ASYNC_MODE"] != "threading"
        timeout_ms = GREEN_BUSY_TIMEOUT_MS if green else app.config["SQLITE_BUSY_TIMEOUT_MS"]
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault(
            "connect_args", {"timeout": timeout_ms / 1000}
        )
    else:
        # Under gevent and eventlet hundreds of events are in flight at once; with
        # SQLAlchemy's default of 5 (+10 overflow) they queue for a connection.
        size = int(app.config["DATABASE_POOL_SIZE"])
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault("pool_size", size)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault("max_overflow", size)
    db.init_app(app)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            busy_ms = app.config["SQLITE_BUSY_TIMEOUT_MS"]
            green = app.config["ASYNC_MODE"] != "threading"
            event.listen(
                engine, "connect", _sqlite_pragmas(GREEN_BUSY_TIMEOUT_MS if green else busy_ms)
            )
            event.listen(engine, "begin", _begin(busy_ms / 1000))
        from . import models  # noqa: F401  (registers the tables)
