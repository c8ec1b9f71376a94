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

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, inspect, select, update
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
from .phases import Phase

# The rows whose changes the console, the projector or the phones are shown.
_SEEN = (Answer, Participant, Pin, Workshop, Question, CanvasField, CanvasVersion)
_SEQ_COLUMNS = {"seq", "phone_seq"}


# The question whose answers the projector shows now, if any (read with the bump).
_SHOWN = (
    select(Question.id)
    .where(
        Question.workshop_id == Workshop.id,
        Question.position == Workshop.position,
        Question.revealed.is_(True),
        Workshop.phase == Phase.QUESTIONS.value,
    )
    .correlate(Workshop)
    .scalar_subquery()
)


def _bump_statement(look: bool, **columns: Any) -> Any:
    # Built once: this runs in every write, and building the expression costs more than the SQL.
    returned = [Workshop.id, Workshop.seq, Workshop.phone_seq]
    if look:
        returned.append(_SHOWN)
    return (
        update(Workshop)
        .where(Workshop.id.in_(bindparam("ids", expanding=True)))
        .values(**columns)
        .returning(*returned)
    )


_MOVES = {
    Counted.EVERYONE: {"seq": Workshop.seq + 1, "phone_seq": Workshop.phone_seq + 1},
    Counted.ROOM: {"seq": Workshop.seq + 1},
}
_BUMP = {look: {c: _bump_statement(look, **m) for c, m in _MOVES.items()} for look in (False, True)}


@dataclass(frozen=True, slots=True)
class Numbered:
    """A workshop's numbers after a bump, and, when asked, what its projector showed then."""

    seq: int
    phone_seq: int
    # The question whose answers are on the projector (None: none); `looked` says it was read.
    shown_question_id: int | None = None
    looked: bool = False


Numbers = dict[int, Numbered]

_LOOKED = "room_looked_at"


def bump(connection: Connection, widest: dict[int, Counted], *, look: bool = False) -> Numbers:
    """Move each workshop's numbers once, as widely as its changes say; return them.

    With `look`, the same statement reads which question the projector shows:
    run after a commit (PostgreSQL), that reading is as fresh as a query of its
    own would be, without another round trip.
    """
    numbers: Numbers = {}
    for counted, statement in _BUMP[look].items():
        ids = [workshop_id for workshop_id, c in widest.items() if c is counted]
        if ids:
            for row in connection.execute(statement, {"ids": ids}):
                shown = row[3] if look else None
                numbers[row[0]] = Numbered(row[1], row[2], shown, look)
    return numbers


def take(session: Session, numbers: Numbers) -> None:
    """Give the session's loaded workshops their new numbers, without another query."""
    # (Found by identity key: reading .id of an expired workshop would reload it.)
    looked: dict[int, int | None] = session.info.setdefault(_LOOKED, {})
    for workshop_id, numbered in numbers.items():
        loaded = session.identity_map.get(identity_key(Workshop, workshop_id))
        if loaded is not None:
            set_committed_value(loaded, "seq", numbered.seq)
            set_committed_value(loaded, "phone_seq", numbered.phone_seq)
        if numbered.looked:
            looked[workshop_id] = numbered.shown_question_id


def shown_after_commit(session: Session, workshop_id: int) -> tuple[bool, int | None]:
    """Return whether the last bump looked at the workshop's projector, and what it showed."""
    looked: dict[int, int | None] = session.info.get(_LOOKED, {})
    if workshop_id not in looked:
        return False, None
    return True, looked[workshop_id]


def forget_looks(session: Session) -> None:
    """Drop what the bumps read; the next write's publishing must not trust it."""
    session.info.pop(_LOOKED, None)


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
