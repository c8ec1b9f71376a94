"""Every change to a workshop bumps its sequence number, in the same transaction.

Broadcasts carry the number, so a client that sees a gap knows it missed
something and asks for a snapshot. Phones have their own count, of the changes
they are sent (the room moving, the canvas), so they do not see false gaps.
Reactions bump neither: their tallies are absolute and sent coalesced, so a
missed one is healed by the next.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, event, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from .models import (
    Answer,
    CanvasField,
    CanvasVersion,
    Participant,
    Pin,
    Question,
    Workshop,
)

_ROOM = (Answer, Participant, Pin)  # seen by the console and the projector only
_EVERYONE = (Workshop, Question, CanvasField, CanvasVersion)  # also seen by phones
_SEQ_COLUMNS = {"seq", "phone_seq"}


def _bump_statement(**columns: Any) -> Any:
    # Built once: this runs in every write, and building the expression costs more than the SQL.
    return (
        update(Workshop)
        .where(Workshop.id.in_(bindparam("ids", expanding=True)))
        .values(**columns)
        .returning(Workshop.id, Workshop.seq, Workshop.phone_seq)
    )


_BUMP_EVERYONE = _bump_statement(seq=Workshop.seq + 1, phone_seq=Workshop.phone_seq + 1)
_BUMP_ROOM = _bump_statement(seq=Workshop.seq + 1)


def _workshop_id(obj: Any) -> int | None:
    return obj.id if isinstance(obj, Workshop) else getattr(obj, "workshop_id", None)


def _changed_workshop_columns(workshop: Workshop) -> bool:
    state = inspect(workshop)
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in _SEQ_COLUMNS)


def _bump(session: Session, _context: Any, _instances: Any) -> None:
    room: set[int] = set()
    everyone: set[int] = set()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if not isinstance(obj, _ROOM + _EVERYONE):
            continue
        if (
            isinstance(obj, Workshop)
            and obj in session.dirty
            and not _changed_workshop_columns(obj)
        ):
            continue
        workshop_id = _workshop_id(obj)
        if workshop_id is None:
            continue
        (everyone if isinstance(obj, _EVERYONE) else room).add(workshop_id)
    bumped: list[Any] = []
    for ids, statement in ((everyone, _BUMP_EVERYONE), (room - everyone, _BUMP_ROOM)):
        if ids:
            # Core, not the ORM's bulk UPDATE: the loaded workshops are set below.
            bumped.extend(session.connection().execute(statement, {"ids": list(ids)}).all())
    # Loaded workshops take the new numbers as read, without another query.
    numbers = {workshop_id: (seq, phone_seq) for workshop_id, seq, phone_seq in bumped}
    # (Found by identity key: reading .id of an expired workshop would reload it.)
    for workshop_id, (seq, phone_seq) in numbers.items():
        loaded = session.identity_map.get(identity_key(Workshop, workshop_id))
        if loaded is not None:
            set_committed_value(loaded, "seq", seq)
            set_committed_value(loaded, "phone_seq", phone_seq)


def init() -> None:
    """Listen on every session (idempotent)."""
    if not event.contains(Session, "before_flush", _bump):
        event.listen(Session, "before_flush", _bump)
