"""The service layer on SQLite, without sockets or pages."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from workshop.errors import Closed, NotFound, TransitionError, ValidationError
from workshop.extensions import db
from workshop.method import SELF_AND_WORLD
from workshop.models import Answer, Workshop
from workshop.services import facilitation, participation, synthesis


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@pytest.fixture
def team(ctx: None) -> int:
    from workshop.services import accounts

    user = accounts.sign_up("fran@example.org", "correct horse battery", "Fran", "Fran's team")
    return user.memberships[0].team_id


def make(title: str, team: int) -> Workshop:
    return facilitation.create_workshop(title, None, "self-and-world", team)


@pytest.fixture
def workshop(team: int) -> Workshop:
    return facilitation.create_workshop("  Partnering   2027 ", " Acme ", "self-and-world", team)


def test_a_new_workshop_waits_in_the_lobby_with_the_methods_questions(workshop: Workshop) -> None:
    assert workshop.title == "Partnering 2027" and workshop.organisation == "Acme"
    assert workshop.phase == "lobby" and workshop.position is None
    assert [q.prompt for q in workshop.questions] == [q.prompt for q in SELF_AND_WORLD.questions]
    assert [q.position for q in workshop.questions] == list(range(8))
    assert len(workshop.join_code) == 6 and len(workshop.screen_token) >= 32


def test_each_workshop_gets_its_own_code_and_screen_token(team: int) -> None:
    made = [make(f"W{n}", team) for n in range(30)]
    assert len({w.join_code for w in made}) == 30
    assert len({w.screen_token for w in made}) == 30


@pytest.mark.parametrize(
    ("title", "method"), [("", "self-and-world"), ("x" * 121, "self-and-world"), ("Ok", "nope")]
)
def test_a_workshop_needs_a_title_and_a_known_method(team: int, title: str, method: str) -> None:
    with pytest.raises(ValidationError):
        facilitation.create_workshop(title, None, method, team)
    assert db.session.execute(db.select(Workshop)).first() is None


def test_the_pointer_and_answering_move_together(workshop: Workshop) -> None:
    w = facilitation.start(workshop.id)
    assert (w.phase, w.position, w.answering_open) == ("questions", 0, True)
    facilitation.set_answering(w.id, False)
    w = facilitation.step(w.id, 1)
    assert (w.position, w.answering_open) == (1, True), "a new question opens answering"
    w, sealed = synthesis.finish(w.id)
    assert sealed is None, "an empty canvas is not sealed"
    assert (w.phase, w.position, w.answering_open) == ("ended", None, False)
    assert w.ended_at is not None and w.started_at is not None


def test_reveal_and_answering_need_a_question_on_screen(workshop: Workshop) -> None:
    with pytest.raises(TransitionError):
        facilitation.set_revealed(workshop.id, True)
    with pytest.raises(TransitionError):
        facilitation.set_answering(workshop.id, True)


def test_the_pointer_is_kept_in_the_database(app: Flask, workshop: Workshop) -> None:
    workshop_id = workshop.id
    facilitation.start(workshop_id)
    facilitation.goto(workshop_id, 5)
    db.session.remove()
    row = db.session.execute(
        text("SELECT phase, position FROM workshops WHERE id = :id"), {"id": workshop_id}
    ).one()
    assert tuple(row) == ("questions", 5)


def test_joining_with_no_name_is_anonymous(workshop: Workshop) -> None:
    assert participation.join(workshop.id, "  ").display_name == "Anonymous"
    assert participation.join(workshop.id, None).name is None
    assert participation.join(workshop.id, " Ana ").name == "Ana"
    with pytest.raises(ValidationError):
        participation.join(workshop.id, "n" * 41)


def test_an_ended_workshop_takes_no_one_new(workshop: Workshop) -> None:
    synthesis.finish(workshop.id)
    with pytest.raises(Closed):
        participation.join(workshop.id, "Late")


def test_answers_are_kept_cleaned_and_once_per_client_key(workshop: Workshop) -> None:
    person = participation.join(workshop.id, "Ana")
    facilitation.start(workshop.id)
    question_id = workshop.questions[0].id

    answer, new = participation.submit_answer(
        workshop.id, person.id, question_id, "  Reach\x00 new\n markets ", "k1"
    )
    again, new_again = participation.submit_answer(
        workshop.id, person.id, question_id, "other", "k1"
    )

    assert (answer.text, new) == ("Reach new\n markets", True)
    assert (again.id, new_again) == (answer.id, False)
    assert db.session.execute(db.select(Answer)).scalars().all() == [answer]


def test_edits_and_deletes_only_while_the_question_is_open(workshop: Workshop) -> None:
    person = participation.join(workshop.id, "Ana")
    facilitation.start(workshop.id)
    answer, _ = participation.submit_answer(workshop.id, person.id, workshop.questions[0].id, "a")
    assert participation.edit_answer(workshop.id, person.id, answer.id, "b").text == "b"
    facilitation.step(workshop.id, 1)
    with pytest.raises(Closed):
        participation.edit_answer(workshop.id, person.id, answer.id, "c")
    with pytest.raises(Closed):
        participation.delete_answer(workshop.id, person.id, answer.id)
    facilitation.step(workshop.id, -1)
    removed = participation.delete_answer(workshop.id, person.id, answer.id)
    assert removed.id == answer.id
    assert db.session.get(Answer, answer.id) is None


def test_a_participant_of_another_workshop_is_not_found(workshop: Workshop) -> None:
    other = make("Other", workshop.team_id)
    stranger = participation.join(other.id, "Zed")
    facilitation.start(workshop.id)
    with pytest.raises(NotFound):
        participation.submit_answer(workshop.id, stranger.id, workshop.questions[0].id, "hi")


def test_hiding_is_limited_to_the_workshops_own_answers(workshop: Workshop) -> None:
    other = make("Other", workshop.team_id)
    person = participation.join(other.id, "Zed")
    facilitation.start(other.id)
    answer, _ = participation.submit_answer(other.id, person.id, other.questions[0].id, "hi")
    with pytest.raises(NotFound):
        facilitation.set_answer_hidden(workshop.id, answer.id, True)
    assert facilitation.set_answer_hidden(other.id, answer.id, True).hidden is True


@pytest.mark.skipif(
    os.environ.get("WORKSHOP_TEST_DATABASE", "sqlite") != "sqlite",
    reason="SQLite's own settings; this run uses PostgreSQL",
)
def test_the_database_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(ctx: None) -> None:
    connection = db.session.connection()
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_reopening_after_the_timer_ran_out_drops_the_spent_timer(workshop: Workshop) -> None:
    from datetime import timedelta

    from workshop.models import utcnow

    facilitation.start(workshop.id)
    facilitation.start_timer(workshop.id, 30)
    # Half a second after the end: still inside the grace that late answers get.
    workshop.timer_ends_at = utcnow() - timedelta(milliseconds=500)
    db.session.commit()

    reopened = facilitation.set_answering(workshop.id, True)

    assert reopened.timer_ends_at is None
    assert facilitation.accepting_answers(reopened)


def test_an_answer_is_marked_edited_only_when_its_text_changes(workshop: Workshop) -> None:
    person = participation.join(workshop.id, "Ana")
    facilitation.start(workshop.id)
    answer, _ = participation.submit_answer(workshop.id, person.id, workshop.questions[0].id, "a")
    assert answer.edited is False
    assert facilitation.set_answer_hidden(workshop.id, answer.id, True).edited is False
    assert participation.edit_answer(workshop.id, person.id, answer.id, "b").edited is True


def test_revising_a_canvas_is_one_transaction(workshop: Workshop, monkeypatch) -> None:
    facilitation.start(workshop.id)
    synthesis.open_synthesis(workshop.id)
    synthesis.edit_statement(workshop.id, "motivation", "Grow together", 0)
    synthesis.seal(workshop.id)
    before = db.session.execute(db.select(db.func.count(Workshop.id))).scalar_one()

    real, calls = synthesis.canvas.fields, []

    def fails_when_seeding(revision: Workshop) -> object:
        calls.append(revision)
        if len(calls) > 1:  # the revision exists; its canvas is being seeded
            raise RuntimeError("the disk filled up while seeding the canvas")
        return real(revision)

    # A failure while seeding leaves no half-made revision behind.
    monkeypatch.setattr(synthesis.canvas, "fields", fails_when_seeding)
    with pytest.raises(RuntimeError):
        synthesis.revise(workshop.id, None)  # type: ignore[arg-type]
    monkeypatch.undo()
    assert db.session.execute(db.select(db.func.count(Workshop.id))).scalar_one() == before

    revision = synthesis.revise(workshop.id, None)  # type: ignore[arg-type]
    statement = synthesis.canvas.fields(revision)["motivation"].statement
    assert statement == "Grow together"
