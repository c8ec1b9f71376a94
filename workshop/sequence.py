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
    Theme,
    ThemeMember,
    ThemePin,
    Vote,
    Workshop,
)
from .phases import Phase

# The rows whose changes the console, the projector or the phones are shown.
_SEEN = (
    Answer,
    Participant,
    Pin,
    Workshop,
    Question,
    CanvasField,
    CanvasVersion,
    Theme,
    ThemeMember,
    ThemePin,
    Vote,
)
_SEQ_COLUMNS = {"seq", "phone_seq"}


# The question whose answers the projector shows now, if any (read after the bump).
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
_LOOK = select(Workshop.id, _SHOWN).where(Workshop.id.in_(bindparam("ids", expanding=True)))


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

    With `look` (an autocommit connection, after the write's commit: PostgreSQL),
    a second statement on the same connection then reads which question the
    projector shows. Its snapshot is taken after the bump committed, so it is
    at least as new as the numbers; a subquery in the UPDATE itself would read
    the UPDATE's snapshot, which can be older than a concurrent bump it waited
    for (a hide committed in between would read as shown).
    """
    numbers: Numbers = {}
    for counted, statement in _BUMP.items():
        ids = [workshop_id for workshop_id, c in widest.items() if c is counted]
        if ids:
            for workshop_id, seq, phone_seq in connection.execute(statement, {"ids": ids}):
                numbers[workshop_id] = Numbered(seq, phone_seq)
    if look and numbers:
        for workshop_id, shown in connection.execute(_LOOK, {"ids": list(numbers)}):
            numbered = numbers[workshop_id]
            numbers[workshop_id] = Numbered(numbered.seq, numbered.phone_seq, shown, True)
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
