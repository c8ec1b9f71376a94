"""What a write changed, said as small events: the one way a change reaches the room.

A service records a change next to the write it describes; the unit of work
(`services/unit_of_work.py`) bumps the workshop's change numbers from what was
recorded, commits, and only then hands the changes to the publisher. A change
says which audiences count it:

- `ROOM`: the console and the projector (seq). The projector sees only some of
  these; the live counts that follow every such change `cover` the rest.
- `EVERYONE`: the phones too (seq and phone_seq).
- `NONE`: absolute figures sent coalesced (reaction tallies), never counted.

No Flask here: the changes are plain data about the domain's objects.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from .models import Answer, CanvasField, CanvasVersion, Participant


class Counted(enum.IntEnum):
    """Which change numbers a change moves; a larger value includes the smaller."""

    NONE = 0
    ROOM = 1
    EVERYONE = 2


@dataclass(frozen=True, eq=False)
class Change:
    """Something a write changed in one workshop."""

    workshop_id: int
    counted: ClassVar[Counted] = Counted.ROOM

    @property
    def counts(self) -> Counted:
        return self.counted


@dataclass(frozen=True, eq=False)
class AnswerChanged(Change):
    """An answer was sent, edited, hidden or shown again."""

    answer: Answer


@dataclass(frozen=True, eq=False)
class AnswerRemoved(Change):
    """Its author deleted an answer."""

    removed: Any  # participation.RemovedAnswer: what is left to say about it


@dataclass(frozen=True, eq=False)
class AnswersMerged(Change):
    """Answers were merged into another, or split out again."""

    answers: list[Answer]


@dataclass(frozen=True, eq=False)
class ParticipantJoined(Change):
    """Someone new joined the room."""

    participant: Participant


@dataclass(frozen=True, eq=False)
class ParticipantRemoved(Change):
    """The facilitator removed someone: their answers leave every screen."""

    participant: Participant


@dataclass(frozen=True, eq=False)
class RoomMoved(Change):
    """The pointer, a question's flags, answering or the timer changed.

    Within the questions (start, next, reveal, timer) the console gets only what
    moved; any other move (synthesis, the end) sends every audience its state.
    """

    within_questions: bool = True
    counted: ClassVar[Counted] = Counted.EVERYONE


@dataclass(frozen=True, eq=False)
class RoomChanged(Change):
    """Something every audience shows changed (the door was locked): whole states."""

    counted: ClassVar[Counted] = Counted.EVERYONE


@dataclass(frozen=True, eq=False)
class FieldChanged(Change):
    """A canvas field's statement, purpose, values or pinned sources changed."""

    field: CanvasField
    # Pins are the console's alone: phones see the statement, not where it came from.
    pins_only: bool = False

    @property
    def counts(self) -> Counted:
        return Counted.ROOM if self.pins_only else Counted.EVERYONE


@dataclass(frozen=True, eq=False)
class VersionSealed(Change):
    """The canvas was sealed into a new numbered version."""

    version: CanvasVersion
    counted: ClassVar[Counted] = Counted.EVERYONE


@dataclass(frozen=True, eq=False)
class ShareChanged(Change):
    """The read-only share link was made anew or switched off (the console's alone)."""


@dataclass(frozen=True, eq=False)
class WallChanged(Change):
    """The projector's wall turned a page, changed its pace, or spotlit an answer."""


@dataclass(frozen=True, eq=False)
class ThemesChanged(Change):
    """A scope's themes were suggested, accepted, renamed, merged, split, moved or pinned."""

    scope: str


@dataclass(frozen=True, eq=False)
class VoteChanged(Change):
    """A dot vote opened, closed or left the screens (everyone), or its results were shown
    or hidden on the projector (`phones=False`: the console and the projector only)."""

    phones: bool = True

    @property
    def counts(self) -> Counted:
        return Counted.EVERYONE if self.phones else Counted.ROOM


@dataclass(frozen=True, eq=False)
class DotsPlaced(Change):
    """A phone placed, moved or took back its dots: the results follow, coalesced."""

    vote_id: int
    participant_id: int
    placed: dict[int, int]
    counted: ClassVar[Counted] = Counted.NONE


@dataclass(frozen=True, eq=False)
class ReactionChanged(Change):
    """A phone agreed with, had a concern about, or withdrew from a field."""

    field_key: str
    counted: ClassVar[Counted] = Counted.NONE


def counted_by_workshop(changes: list[Change]) -> dict[int, Counted]:
    """Return, per workshop, the widest audience whose numbers these changes move."""
    widest: dict[int, Counted] = {}
    for change in changes:
        if change.counts is not Counted.NONE:
            widest[change.workshop_id] = max(
                widest.get(change.workshop_id, Counted.NONE), change.counts
            )
    return widest
