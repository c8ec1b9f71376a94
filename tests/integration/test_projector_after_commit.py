"""An answer reaches the projector when its question shows there once it is stored.

On PostgreSQL nothing orders a reveal against an answer: the reveal's snapshot
can be taken before the answer commits, and the answer may have read its question
as hidden. What the projector shows is read again after the answer's commit (in
the same statement that moves the change numbers), so such an answer still
reaches the screen.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, update

from tests.conftest import BACKEND
from tests.people import Person, Room
from workshop import sequence
from workshop.extensions import db
from workshop.models import Question


@pytest.fixture
def answering(room: Room) -> tuple[Room, Person, Person, Person, int]:
    console, screen, phone = room.console(), room.screen(), room.phone("Ana")
    console.send("workshop:start")
    question_id = phone.events("state")[0]["question"]["id"]
    room.drain()
    return room, console, screen, phone, question_id


def answer(phone: Person, question_id: int, text: str) -> dict[str, Any]:
    ack = phone.send("answer:submit", {"question_id": question_id, "text": text})
    assert ack["ok"], ack
    return ack["answer"]


def shown(screen: Person) -> list[str]:
    return [a["answer"]["text"] for a in screen.events("answer")]


def test_a_hidden_question_keeps_its_answers_off_the_projector(answering) -> None:
    _room, _console, screen, phone, question_id = answering
    answer(phone, question_id, "Not yet")
    assert shown(screen) == []


def test_a_revealed_question_sends_each_new_answer_to_the_projector(answering) -> None:
    _room, console, screen, phone, question_id = answering
    assert console.send("answers:reveal", {"revealed": True})["ok"]
    screen.received()
    answer(phone, question_id, "Seen")
    assert shown(screen) == ["Seen"]


@pytest.mark.skipif(BACKEND != "postgresql", reason="SQLite's write lock orders the two")
def test_a_reveal_that_commits_while_an_answer_is_stored_still_shows_it(
    answering, monkeypatch: pytest.MonkeyPatch
) -> None:
    _room, _console, screen, phone, question_id = answering

    raced: list[bool] = []

    def reveal_from_elsewhere(session: Any) -> None:
        # Another process reveals after this answer read its question as hidden,
        # and before the answer commits (so the reveal's snapshot cannot hold it).
        if not raced:
            raced.append(True)
            with db.engine.begin() as other:
                other.execute(
                    update(Question).where(Question.id == question_id).values(revealed=True)
                )

    looks: list[tuple[bool, int | None]] = []
    read = sequence.shown_after_commit

    def spied(session: Any, workshop_id: int) -> tuple[bool, int | None]:
        looks.append(read(session, workshop_id))
        return looks[-1]

    monkeypatch.setattr(sequence, "shown_after_commit", spied)
    event.listen(db.session, "before_commit", reveal_from_elsewhere)
    try:
        answer(phone, question_id, "Raced")
    finally:
        event.remove(db.session, "before_commit", reveal_from_elsewhere)
    assert raced
    assert shown(screen) == ["Raced"]
    # Read by the change numbers' bump, not by a query of publishing's own.
    assert looks == [(True, question_id)]
