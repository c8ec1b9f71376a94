"""The unit of work: record what a write changed, number it, commit, then publish it.

Every service that writes runs in one (`transactions.writes`). It records its
changes with `record` next to the rows it writes. At each commit the recorded
changes move the workshops' change numbers once (`sequence.py`); once the
outermost write is over they are handed, in order, to the publisher that
`realtime/publish` registered. A rollback drops what it had recorded. So a
change that commits always reaches the rooms that must hear it, and a change
that did not commit never does, whether a socket handler or an HTTP view made it.

Where the numbers move:
- SQLite has one writer at a time, already held: the bump is the last
  statement of the write's own transaction.
- PostgreSQL: an UPDATE of the workshop's row inside the transaction would hold
  that row's lock until the commit, and every answer in the room would queue on
  it. The bump is its own one-statement transaction right after the commit
  instead, holding the lock for microseconds. A reader that takes a snapshot in
  between sees the write under the old number and then gets the message of the
  new one, which the clients apply idempotently; a crash in between loses only
  the message, and reconnecting clients take a snapshot anyway.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import sequence
from ..changes import Change, Counted, RoomChanged, counted_by_workshop
from ..extensions import db

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

Publisher = Callable[[list[Change]], None]

_OPEN = "unit_of_work"
_PENDING = "changes_pending"
_COMMITTED = "changes_committed"
_TOUCHED = "changes_touched"
_CREATED = "workshops_created"
_BUMP_AFTER = "bump_after_commit"
_BUMP_THIS = "bump_after_this_commit"
_HELD = "changes_held"

_publisher: Publisher | None = None


class UnrecordedChange(RuntimeError):
    """A write changed what the room sees without saying so (a defect, raised in tests)."""


def set_publisher(publisher: Publisher) -> None:
    """Say who hands committed changes to the rooms (realtime/publish does, at start-up)."""
    global _publisher
    _publisher = publisher


def record(*changes: Change) -> None:
    """Record changes made by the write under way; they are published once it commits."""
    session = db.session()
    if not session.info.get(_OPEN):
        raise RuntimeError("Changes are recorded inside a write (a @writes service).")
    session.info.setdefault(_PENDING, []).extend(changes)


@contextmanager
def held() -> Iterator[None]:
    """Publish the changes of the writes in this block only when the block is over.

    A joining phone's socket is bound after its participant is written: the
    console hears of the newcomer once, already online.
    """
    session = db.session()
    session.info[_HELD] = session.info.get(_HELD, 0) + 1
    try:
        yield
    finally:
        session.info[_HELD] -= 1
        if not session.info[_HELD]:
            _deliver(session)


def holding(handler: Callable[P, R]) -> Callable[P, R]:
    """Run `handler` in a `held` block: its writes are published when it returns."""

    @functools.wraps(handler)
    def in_held_block(*args: P.args, **kwargs: P.kwargs) -> R:
        with held():
            return handler(*args, **kwargs)

    return in_held_block


def held_changes() -> list[Change]:
    """Return the changes committed so far in the `held` block, still to be published."""
    return list(db.session().info.get(_COMMITTED, []))


def begin(session: Session) -> None:
    """Open a unit of work on the session (the outermost @writes does)."""
    session.info[_OPEN] = True
    kept = (_COMMITTED, _BUMP_AFTER) if session.info.get(_HELD) else ()
    for key in (_PENDING, _COMMITTED, _TOUCHED, _CREATED, _BUMP_AFTER, _BUMP_THIS):
        if key not in kept:
            session.info.pop(key, None)


def end(session: Session) -> None:
    """Close the unit: number what committed on PostgreSQL, then publish it."""
    session.info[_OPEN] = False
    for key in (_PENDING, _TOUCHED, _CREATED, _BUMP_THIS):
        session.info.pop(key, None)
    if not session.info.get(_HELD):
        _deliver(session)


def _deliver(session: Session) -> None:
    committed: list[Change] = session.info.pop(_COMMITTED, [])
    later: dict[int, Counted] = session.info.pop(_BUMP_AFTER, {})
    if later:
        try:
            _bump_on_its_own(session, later)
        except Exception:  # the write is committed; its messages still go, under the old number
            log.exception("moving the change numbers after a commit failed")
    if committed and _publisher is not None:
        try:
            _publisher(committed)
        except Exception:  # committed is committed: clients see the gap and resync
            log.exception("publishing %d committed changes failed", len(committed))
    sequence.forget_looks(session)


def _bump_on_its_own(session: Session, widest: dict[int, Counted]) -> None:
    # A pool of its own (database.py): the request may still hold one of the app's.
    engine = current_app.extensions["workshop_numbers_engine"]
    # The same connection then reads what the projector shows, for publishing (publish.py).
    with engine.connect() as connection:
        sequence.take(session, sequence.bump(connection, widest, look=True))


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(_OPEN):
        session.info.setdefault(_TOUCHED, set()).update(sequence.touched(session))


def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get(_OPEN):
        session.info.setdefault(_CREATED, set()).update(sequence.created(session))


def _unrecorded(session: Session, pending: list[Change]) -> set[int]:
    touched: set[int] = session.info.get(_TOUCHED, set())
    said = {change.workshop_id for change in pending}
    return touched - said - session.info.get(_CREATED, set())


def _before_commit(session: Session) -> None:
    if not session.info.get(_OPEN):
        return
    session.flush()  # everything written is known, and a failing write fails before numbering
    pending: list[Change] = session.info.get(_PENDING, [])
    if missing := _unrecorded(session, pending):
        if current_app.config.get("TESTING"):
            raise UnrecordedChange(f"A write changed workshops {sorted(missing)} silently.")
        # Never silent in production either: every audience gets its whole state.
        log.error("a write changed workshops %s without recording it", sorted(missing))
        pending.extend(RoomChanged(workshop_id) for workshop_id in sorted(missing))
        session.info[_PENDING] = pending
    widest = counted_by_workshop(pending)
    if not widest:
        return
    if session.get_bind().dialect.name == "sqlite":
        sequence.take(session, sequence.bump(session.connection(), widest))
        return
    session.info[_BUMP_THIS] = widest


def _after_commit(session: Session) -> None:
    if not session.info.get(_OPEN):
        return
    session.info.setdefault(_COMMITTED, []).extend(session.info.pop(_PENDING, []))
    session.info.pop(_TOUCHED, None)
    later: dict[int, Counted] = session.info.setdefault(_BUMP_AFTER, {})
    for workshop_id, counted in session.info.pop(_BUMP_THIS, {}).items():
        later[workshop_id] = max(later.get(workshop_id, Counted.NONE), counted)


def _after_rollback(session: Session) -> None:
    for key in (_PENDING, _TOUCHED, _BUMP_THIS):
        session.info.pop(key, None)


def init() -> None:
    """Listen on every session (idempotent)."""
    for name, listener in (
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("before_commit", _before_commit),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
