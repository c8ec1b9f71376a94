"""Write transactions that take the database's write lock up front.

On SQLite a service's writes start with BEGIN IMMEDIATE, so the reads that
decide a write (a field's version, a participant's answer count) happen under
the write lock: two writers queue on the busy timeout instead of both reading
the old value, and never deadlock upgrading a read lock. On PostgreSQL the
services lock the rows they decide on (SELECT ... FOR UPDATE).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from ..extensions import db
from . import unit_of_work

P = ParamSpec("P")
R = TypeVar("R")
IMMEDIATE = "sqlite_begin_immediate"
# SQLite has one writer at a time. Within a process, writers queue on this lock
# and are woken the moment it is free, instead of polling in SQLite's busy
# handler, which sleeps up to 100 ms between tries. (Monkey-patched under
# gevent and eventlet, so it yields rather than blocks.)
_SQLITE_WRITER = threading.RLock()


def writes(service: Callable[P, R]) -> Callable[P, R]:
    """Run the service in a write transaction and unit of work (nested calls share the outer one).

    What the service recorded (`unit_of_work.record`) is published once it is over,
    outside SQLite's write lock.
    """

    @functools.wraps(service)
    def in_write_transaction(*args: P.args, **kwargs: P.kwargs) -> R:
        session = db.session()
        if session.info.get(IMMEDIATE):
            return service(*args, **kwargs)
        if session.in_transaction():
            # A read snapshot cannot become a write on SQLite; end it (nothing is pending).
            session.commit()
        # Decide on what the database holds now, not on what was read before the lock.
        session.expire_all()
        queue = _SQLITE_WRITER if db.engine.dialect.name == "sqlite" else contextlib.nullcontext()
        unit_of_work.begin(session)
        try:
            with queue:
                session.connection(execution_options={IMMEDIATE: True})
                session.info[IMMEDIATE] = True
                try:
                    return service(*args, **kwargs)
                finally:
                    session.info[IMMEDIATE] = False
                    if session.in_transaction():
                        session.rollback()  # a service that raised leaves nothing half-written
        finally:
            unit_of_work.end(session)

    return in_write_transaction
