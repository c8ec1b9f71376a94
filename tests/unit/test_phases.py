"""The workshop's pointer moves only the ways phases.py allows."""

from __future__ import annotations

import pytest

from workshop import phases
from workshop.errors import TransitionError
from workshop.phases import Phase, Pointer

LOBBY = Pointer(Phase.LOBBY)
ENDED = Pointer(Phase.ENDED)


def on(position: int) -> Pointer:
    return Pointer(Phase.QUESTIONS, position)


def test_starting_goes_to_the_first_question() -> None:
    assert phases.start(LOBBY, total=8) == on(0)


def test_a_workshop_without_questions_cannot_start() -> None:
    with pytest.raises(TransitionError):
        phases.start(LOBBY, total=0)


@pytest.mark.parametrize("pointer", [on(0), on(3), ENDED])
def test_only_the_lobby_can_start(pointer: Pointer) -> None:
    with pytest.raises(TransitionError):
        phases.start(pointer, total=8)


def test_stepping_moves_forward_and_back() -> None:
    assert phases.step(on(0), 1, total=8) == on(1)
    assert phases.step(on(5), -1, total=8) == on(4)


@pytest.mark.parametrize(("pointer", "delta"), [(on(7), 1), (on(0), -1), (LOBBY, 1), (ENDED, 1)])
def test_stepping_stops_at_the_ends_and_outside_the_questions(pointer: Pointer, delta: int) -> None:
    with pytest.raises(TransitionError):
        phases.step(pointer, delta, total=8)


def test_goto_jumps_to_any_question() -> None:
    assert phases.goto(on(0), 6, total=8) == on(6)
    assert phases.goto(on(6), 0, total=8) == on(0)


@pytest.mark.parametrize(("pointer", "position"), [(on(0), 8), (on(0), -1), (LOBBY, 0), (ENDED, 0)])
def test_goto_refuses_what_does_not_exist(pointer: Pointer, position: int) -> None:
    with pytest.raises(TransitionError):
        phases.goto(pointer, position, total=8)


@pytest.mark.parametrize("pointer", [LOBBY, on(0), on(7)])
def test_a_workshop_can_end_from_the_lobby_or_a_question(pointer: Pointer) -> None:
    assert phases.end(pointer) == ENDED


def test_an_ended_workshop_stays_ended() -> None:
    with pytest.raises(TransitionError):
        phases.end(ENDED)
    assert phases.ALLOWED[Phase.ENDED] == frozenset()


def test_every_phase_has_a_rule_and_a_label() -> None:
    assert set(phases.ALLOWED) == set(Phase) == set(phases.PHASE_LABELS)


SYNTHESIS = Pointer(Phase.SYNTHESIS)


def test_the_synthesis_follows_the_questions() -> None:
    assert phases.synthesize(on(7)) == SYNTHESIS
    assert phases.synthesize(on(2)) == SYNTHESIS, "the facilitator may stop asking early"


@pytest.mark.parametrize("pointer", [LOBBY, SYNTHESIS, ENDED])
def test_only_the_questions_lead_to_the_synthesis(pointer: Pointer) -> None:
    with pytest.raises(TransitionError):
        phases.synthesize(pointer)


def test_the_synthesis_can_go_back_to_a_question_or_end() -> None:
    assert phases.goto(SYNTHESIS, 3, total=8) == on(3)
    assert phases.end(SYNTHESIS) == ENDED
    with pytest.raises(TransitionError):
        phases.step(SYNTHESIS, 1, total=8)
