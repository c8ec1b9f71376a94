"""Where the room is: the workshop's phase and question, and how it may move.

The pointer is the single source of truth for "where the room is". Every move
a facilitator makes is one of the pure functions below, so the allowed
transitions live in one place and are tested without Flask or a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import TransitionError


class Phase(StrEnum):
    """The phases a workshop goes through, in order."""

    LOBBY = "lobby"
    QUESTIONS = "questions"
    SYNTHESIS = "synthesis"
    ENDED = "ended"


PHASE_LABELS: dict[Phase, str] = {
    Phase.LOBBY: "Lobby",
    Phase.QUESTIONS: "Questions",
    Phase.SYNTHESIS: "Synthesis",
    Phase.ENDED: "Ended",
}

# From each phase, the phases a facilitator may move to.
ALLOWED: dict[Phase, frozenset[Phase]] = {
    Phase.LOBBY: frozenset({Phase.QUESTIONS, Phase.ENDED}),
    Phase.QUESTIONS: frozenset({Phase.SYNTHESIS, Phase.ENDED}),
    # Back to the questions when the room needs to answer more before deciding.
    Phase.SYNTHESIS: frozenset({Phase.QUESTIONS, Phase.ENDED}),
    Phase.ENDED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Pointer:
    """The phase, and the 0-based position of the current question while answering."""

    phase: Phase
    position: int | None = None

    @property
    def on_question(self) -> bool:
        return self.phase is Phase.QUESTIONS and self.position is not None


def _require(current: Phase, target: Phase) -> None:
    if target not in ALLOWED[current]:
        raise TransitionError(
            f"A workshop in the {PHASE_LABELS[current].lower()} phase cannot move to "
            f"{PHASE_LABELS[target].lower()}."
        )


def start(pointer: Pointer, total: int) -> Pointer:
    """Return the pointer after starting: the first question."""
    _require(pointer.phase, Phase.QUESTIONS)
    if total < 1:
        raise TransitionError("This workshop has no questions to start with.")
    return Pointer(Phase.QUESTIONS, 0)


def goto(pointer: Pointer, position: int, total: int) -> Pointer:
    """Return the pointer on question `position` (0-based); from synthesis, back to it."""
    if pointer.phase is Phase.SYNTHESIS:
        _require(pointer.phase, Phase.QUESTIONS)
    elif not pointer.on_question:
        raise TransitionError("Start the workshop before moving between questions.")
    if not 0 <= position < total:
        raise TransitionError(f"There is no question {position + 1}; there are {total}.")
    return Pointer(Phase.QUESTIONS, position)


def step(pointer: Pointer, delta: int, total: int) -> Pointer:
    """Return the pointer moved `delta` questions forward (negative: back)."""
    if not pointer.on_question:
        raise TransitionError("Start the workshop before moving between questions.")
    assert pointer.position is not None
    target = pointer.position + delta
    if target >= total:
        raise TransitionError("This is the last question.")
    if target < 0:
        raise TransitionError("This is the first question.")
    return Pointer(Phase.QUESTIONS, target)


def synthesize(pointer: Pointer) -> Pointer:
    """Return the pointer of the synthesis phase, where answers become the canvas."""
    _require(pointer.phase, Phase.SYNTHESIS)
    return Pointer(Phase.SYNTHESIS, None)


def end(pointer: Pointer) -> Pointer:
    """Return the pointer of an ended workshop."""
    _require(pointer.phase, Phase.ENDED)
    return Pointer(Phase.ENDED, None)
