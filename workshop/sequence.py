"""The workshop's change numbers, moved by the changes a write records.

Broadcasts carry the number, so a client that sees a gap knows it missed
something and asks for a snapshot. Phones have their own count, of the changes
they are sent (the room moving, the canvas), so they do not see false gaps.
Reactions move neither: their tallies are absolute and sent coalesced, so a
missed one is healed by the next.

Which numbers move is said by the recorded changes (`changes.py`), never
guessed from the rows a write touched. What the rows say is kept only as a
check: a write to what the room sees that records no change is a defect, and
`unrecorded` names the workshops it touched.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, inspect, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from .changes import Counted
from .models import (
    Answer,
    CanvasField,
    CanvasVersion,
    Participant,
    Pin,
    Question,
    Workshop,
)

# The rows whose changes the console, the projector or the phones are shown.
_SEEN = (Answer, Participant, Pin, Workshop, Question, CanvasField, CanvasVersion)
_SEQ_COLUMNS = {"seq", "phone_seq"}


def _bump_statement(**columns: Any) -> Any:
    # Built once: this runs in every write, and building the expression costs more than the SQL.
    return (
        update(Workshop)
        .where(Workshop.id.in_(bindparam("ids", expanding=True)))
        .values(**columns)
        .returning(Workshop.id, Workshop.seq, Workshop.phone_seq)
    )


_BUMP = {
    Counted.EVERYONE: _bump_statement(seq=Workshop.seq + 1, phone_seq=Workshop.phone_seq + 1),
    Counted.ROOM: _bump_statement(seq=Workshop.seq + 1),
}

Numbers = dict[int, tuple[int, int]]


def bump(connection: Connection, widest: dict[int, Counted]) -> Numbers:
    """Move each workshop's numbers once, as widely as its changes say; return them."""
    numbers: Numbers = {}
    for counted, statement in _BUMP.items():
        ids = [workshop_id for workshop_id, c in widest.items() if c is counted]
        if ids:
            for workshop_id, seq, phone_seq in connection.execute(statement, {"ids": ids}):
                numbers[workshop_id] = (seq, phone_seq)
    return numbers


def take(session: Session, numbers: Numbers) -> None:
    """Give the session's loaded workshops their new numbers, without another query."""
    # (Found by identity key: reading .id of an expired workshop would reload it.)
    for workshop_id, (seq, phone_seq) in numbers.items():
        loaded = session.identity_map.get(identity_key(Workshop, workshop_id))
        if loaded is not None:
            set_committed_value(loaded, "seq", seq)
            set_committed_value(loaded, "phone_seq", phone_seq)


def _changed_workshop_columns(workshop: Workshop) -> bool:
    state = inspect(workshop)
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in _SEQ_COLUMNS)


def touched(session: Session) -> set[int]:
    """Return the existing workshops whose seen rows this flush writes."""
    ids: set[int] = set()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if not isinstance(obj, _SEEN):
            continue
        if isinstance(obj, Workshop):
            if obj in session.new or not _changed_workshop_columns(obj):
                continue
            ids.add(obj.id)
            continue
        if isinstance(obj, CanvasField) and obj in session.new:
            continue  # an empty field made on first use; it shows nothing new
        workshop_id = getattr(obj, "workshop_id", None)
        if workshop_id is not None:
            ids.add(workshop_id)
    return ids


def created(session: Session) -> set[int]:
    """Return the ids of the workshops this flush creates (call after the flush)."""
    return {obj.id for obj in session.new if isinstance(obj, Workshop) and obj.id is not None}
