"""Database set-up: SQLite in WAL mode with a busy timeout and foreign keys;
PostgreSQL with every wait bounded, so a hung server costs a retry, not the room."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, Response, render_template, request
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .errors import Unavailable
from .extensions import db
from .services.transactions import IMMEDIATE

log = logging.getLogger(__name__)


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
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        green = app.config["ASYNC_MODE"] != "threading"
        timeout_ms = GREEN_BUSY_TIMEOUT_MS if green else app.config["SQLITE_BUSY_TIMEOUT_MS"]
        options.setdefault("connect_args", {"timeout": timeout_ms / 1000})
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        bounded = _postgresql_options(app)
        for key, value in bounded.pop("connect_args").items():
            options.setdefault("connect_args", {}).setdefault(key, value)
        for key, value in bounded.items():
            options.setdefault(key, value)
    db.init_app(app)
    for error in UNAVAILABLE:
        app.register_error_handler(error, _unavailable_page)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            busy_ms = app.config["SQLITE_BUSY_TIMEOUT_MS"]
            green = app.config["ASYNC_MODE"] != "threading"
            event.listen(
                engine, "connect", _sqlite_pragmas(GREEN_BUSY_TIMEOUT_MS if green else busy_ms)
            )
            event.listen(engine, "begin", _begin(busy_ms / 1000))
        elif engine.dialect.driver == "psycopg":
            _bound_postgresql(app, engine)
            app.extensions["workshop_numbers_engine"] = _numbers_engine(app, engine)
        from . import models  # noqa: F401  (registers the tables)


# ----------------------------------------------------------------- PostgreSQL
#
# A database that hangs rather than refusing (a stalled disk, a frozen VM, a
# link that stops carrying packets) used to freeze every request waiting on
# it, and through them the room. Every wait now has a bound:
# - connecting: libpq's connect_timeout, which psycopg enforces in its own wait;
# - a statement: the server's statement_timeout cancels it cleanly, and the
#   client gives up CLIENT_GRACE_SECONDS later if the server says nothing at all;
# - a ping before a pooled connection is reused: the connect timeout;
# - a free connection in the pool: pool_timeout;
# - a transaction left open by a frozen process: the server ends it, and its locks.
# A wait that ends this way raises OperationalError or the pool's TimeoutError
# (UNAVAILABLE): the socket dispatcher answers `unavailable`, which phones retry,
# and pages answer 503 with Retry-After.

# The client waits this much longer than the server's own statement timeout, so
# a server that is merely slow reports its clean cancellation first.
CLIENT_GRACE_SECONDS = 1.0

UNAVAILABLE = (OperationalError, PoolTimeout)
RETRY_AFTER_SECONDS = 5
TCP_USER_TIMEOUT_MS = 30_000


class _Overdue(Exception):
    """The server did not answer in time; raised inside psycopg's wait loop."""


def _within(gen: Generator[Any, Any, Any], deadline: float) -> Generator[Any, Any, Any]:
    """Drive one of psycopg's protocol generators, but not past `deadline`.

    psycopg's wait functions wake at least every 0.1 s (to notice Ctrl-C) and
    send the generator "nothing ready" then, so this check runs even while the
    server sends nothing. The wait itself stays psycopg's, and so stays
    cooperative under gevent and eventlet (see wsgi.py).
    """
    try:
        state = next(gen)
        while True:
            ready = yield state
            if time.monotonic() > deadline:
                raise _Overdue
            state = gen.send(ready)
    except StopIteration as done:
        return done.value


@functools.cache
def _bounded_connection_class() -> type:
    """psycopg's Connection, with a bound on every wait for the server.

    Every operation of a sync psycopg 3 connection (execute, fetch, commit,
    rollback, a ping) waits through `Connection.wait(gen, ...)`; the bound wraps
    the generator, so it holds whatever that method's other arguments are
    (they changed between psycopg releases; pyproject.toml pins the range).
    Imported late: psycopg picks its wait function when first imported, which
    must come after wsgi.py's monkey-patching.
    """
    import psycopg

    class BoundedConnection(psycopg.Connection):  # type: ignore[type-arg]
        wait_seconds: float = 0.0  # 0: no client-side bound (migrations)

        def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
            limit = self.wait_seconds
            if not limit:
                return super().wait(gen, *args, **kwargs)
            try:
                return super().wait(_within(gen, time.monotonic() + limit), *args, **kwargs)
            except _Overdue:
                # Cut off mid-conversation, the connection can never be trusted again;
                # closed, it counts as a disconnect and SQLAlchemy drops it from the pool.
                self.close()
                raise psycopg.OperationalError(
                    f"the database did not answer within {limit:g} s"
                ) from None

    return BoundedConnection


def _postgresql_options(app: Flask) -> dict[str, Any]:
    """Engine options that bound every wait on PostgreSQL (see above)."""
    statement_ms = int(float(app.config["DATABASE_STATEMENT_TIMEOUT"]) * 1000)
    idle_ms = int(float(app.config["DATABASE_IDLE_IN_TRANSACTION_TIMEOUT"]) * 1000)
    server_settings = f"-c statement_timeout={statement_ms}"
    if idle_ms:
        server_settings += f" -c idle_in_transaction_session_timeout={idle_ms}"
    return {
        # Under gevent and eventlet hundreds of events are in flight at once; with
        # SQLAlchemy's default of 5 (+10 overflow) they queue for a connection.
        "pool_size": int(app.config["DATABASE_POOL_SIZE"]),
        "max_overflow": int(app.config["DATABASE_POOL_SIZE"]),
        "pool_timeout": float(app.config["DATABASE_POOL_TIMEOUT"]),
        # A connection the server dropped (a restart, a failover) is found on checkout,
        # not by the phone whose answer it was going to carry.
        "pool_pre_ping": True,
        "connect_args": {
            # libpq's minimum is 2 s.
            "connect_timeout": max(2, round(float(app.config["DATABASE_CONNECT_TIMEOUT"]))),
            "options": server_settings,
            # An idle pooled connection to a host that vanished is found and closed.
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
            # Sent data unacknowledged this long (a dead link) closes the connection,
            # even where no statement bound applies (migrations).
            "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
        },
    }


# One per database and process: tests make many apps on one database.
_NUMBERS_ENGINES: dict[str, Engine] = {}


def _numbers_engine(app: Flask, engine: Engine) -> Engine:
    """Return the small autocommit pool that moves the change numbers (unit_of_work.py).

    Its own pool, never the app's: a request may hold an app connection while its
    unit of work ends, and taking a second one from the same pool deadlocked a join
    storm (every connection held, each waiting for another).
    """
    key = engine.url.render_as_string(hide_password=False)
    if key not in _NUMBERS_ENGINES:
        options = _postgresql_options(app)
        numbers = create_engine(
            engine.url,
            isolation_level="AUTOCOMMIT",
            pool_size=4,
            max_overflow=4,
            pool_timeout=options["pool_timeout"],
            connect_args=options["connect_args"],
        )
        _bound_postgresql(app, numbers)
        _NUMBERS_ENGINES[key] = numbers
    return _NUMBERS_ENGINES[key]


def _bound_postgresql(app: Flask, engine: Engine) -> None:
    """Open connections whose waits are bounded; bound the pre-ping to the connect timeout."""
    statement_seconds = float(app.config["DATABASE_STATEMENT_TIMEOUT"])
    # 0 turns the bound off, as it does the server's statement_timeout.
    wait_seconds = statement_seconds + CLIENT_GRACE_SECONDS if statement_seconds else 0.0
    ping_seconds = max(2.0, float(app.config["DATABASE_CONNECT_TIMEOUT"]))
    connection_class = _bounded_connection_class()

    @event.listens_for(engine, "do_connect")
    def connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        connection = connection_class.connect(*cargs, **cparams)
        connection.wait_seconds = wait_seconds
        return connection

    # A ping is one round trip, like connecting: waiting longer for it than for a
    # new connection only delays finding out that the server is gone.
    ping = engine.dialect.do_ping

    def bounded_ping(dbapi_connection: Any) -> bool:
        before = getattr(dbapi_connection, "wait_seconds", 0.0)
        dbapi_connection.wait_seconds = ping_seconds
        try:
            return ping(dbapi_connection)
        finally:
            dbapi_connection.wait_seconds = before

    engine.dialect.do_ping = bounded_ping  # type: ignore[method-assign]


@contextmanager
def unbounded(connection: Connection) -> Iterator[None]:
    """Lift the statement bounds on one connection, for migrations that rewrite big tables."""
    if connection.dialect.name != "postgresql":
        yield
        return
    raw = connection.connection.driver_connection
    before = getattr(raw, "wait_seconds", 0.0)
    # Committed at once, so no transaction is open when the caller begins its own.
    connection.exec_driver_sql("SET statement_timeout = 0")
    connection.commit()
    raw.wait_seconds = 0.0
    try:
        yield
    finally:
        raw.wait_seconds = before
        # Back to the connection's own setting before it returns to the pool.
        connection.rollback()
        connection.exec_driver_sql("RESET statement_timeout")
        connection.commit()


def discard_session() -> None:
    """Roll the session back after the database failed; a second failure changes nothing."""
    try:
        db.session.rollback()
    except UNAVAILABLE:
        db.session.close()


def unavailable(what: str, error: Exception) -> Unavailable:
    """Log a failed wait on the database in one line; return the error people see."""
    discard_session()
    log.warning("%s: the database is unavailable (%s: %s)", what, type(error).__name__, error)
    return Unavailable(
        "The workshop cannot reach its database just now; try again in a few seconds.",
        # live.js waits this long before it sends again.
        details={"retry_after": RETRY_AFTER_SECONDS},
    )


def _unavailable_page(error: Exception) -> Response:
    """A page that needs the database says so, and when to come back, instead of hanging."""
    problem = unavailable(f"{request.method} {request.path}", error)
    response = Response(
        render_template("unavailable.html", message=problem.message),
        status=problem.status,
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
