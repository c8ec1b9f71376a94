"""What a participant does: join, then answer, edit and delete their own answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from ..changes import AnswerChanged, AnswerRemoved, ParticipantJoined
from ..errors import Closed, LimitReached, NotFound, ValidationError
from ..extensions import db
from ..models import Answer, Participant, Question, Workshop, utcnow
from ..phases import Phase
from ..text import ANSWER_MAX, NAME_MAX, optional_text, required_text
from .facilitation import accepting_answers
from .lookup import NO_WORKSHOP
from .lookup import present_participant as find_participant
from .transactions import writes
from .unit_of_work import record

ANSWERS_PER_QUESTION = 20
CLIENT_KEY_MAX = 64


Row = TypeVar("Row", Participant, Answer)


def _add_once(row: Row, twin: Callable[[], Row | None]) -> tuple[Row, bool]:
    """Store `row` and return it with True; if a unique key says its twin is already
    stored (sent twice at once), return that one with False instead."""
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        stored = twin()
        if stored is None:
            raise
        return stored, False
    return row, True


_BY_JOIN_KEY = select(Participant).where(
    Participant.workshop_id == bindparam("workshop_id"), Participant.join_key == bindparam("key")
)


def joined_with(workshop_id: int, join_key: str) -> Participant | None:
    """Return the participant a phone made with this join key, if any."""
    return db.session.execute(
        _BY_JOIN_KEY, {"workshop_id": workshop_id, "key": join_key}
    ).scalar_one_or_none()


_DOOR = select(Workshop.phase, Workshop.joining_locked).where(Workshop.id == bindparam("id"))
JOINING_LOCKED = (
    "The facilitator has closed joining for this workshop. If you were in it, "
    "open it again on the phone you joined with."
)


def join(workshop_id: int, name: str | None) -> Participant:
    """Add a participant to the workshop (the join form's post); no name means anonymous."""
    return join_once(workshop_id, name, None)[0]


@writes
def join_once(workshop_id: int, name: str | None, join_key: str | None) -> tuple[Participant, bool]:
    """Add a participant and return it with whether it is new.

    A phone joining over its socket sends a `join_key`: the same key again (a
    join retried after a lost acknowledgement) returns the person it made.
    """
    if join_key is not None:
        if not 0 < len(join_key) <= CLIENT_KEY_MAX:
            raise ValidationError("The join key must be 1 to 64 characters.")
        if (known := joined_with(workshop_id, join_key)) is not None:
            return known, False
    # Only the phase and the lock decide, read under the write lock; not the rest of the row.
    door = db.session.execute(_DOOR, {"id": workshop_id}).one_or_none()
    if door is None:
        raise NotFound(NO_WORKSHOP)
    if door.phase == Phase.ENDED:
        raise Closed("This workshop has ended.", code="workshop_ended")
    if door.joining_locked:
        raise Closed(JOINING_LOCKED, code="joining_locked")
    person = Participant(
        workshop_id=workshop_id,
        name=optional_text(name, label="Your name", limit=NAME_MAX),
        join_key=join_key,
    )
    record(ParticipantJoined(workshop_id, person))
    # The same join may arrive twice at once (PostgreSQL); then the other made the person.
    return _add_once(person, lambda: joined_with(workshop_id, join_key) if join_key else None)


def _open_question(workshop: Workshop, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.workshop_id != workshop.id:
        raise NotFound("That question is not part of your workshop.")
    # accepting_answers says the room is on a question; the position says which one.
    if not accepting_answers(workshop) or question.position != workshop.position:
        raise Closed("Answering is closed for this question.")
    return question


def _own_answer(person: Participant, answer_id: int) -> Answer:
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.participant_id != person.id:
        raise NotFound("That answer is not one of yours.")
    return answer


# The two queries every answer runs, built once.
_BY_CLIENT_KEY = select(Answer).where(
    Answer.participant_id == bindparam("participant_id"), Answer.client_key == bindparam("key")
)
# How many answers the participant gave this question, and the id of the one sent
# with this client key if it is stored: one round trip for what every answer asks.
_MINE = select(
    func.count(Answer.id).filter(Answer.question_id == bindparam("question_id")),
    func.max(Answer.id).filter(Answer.client_key == bindparam("key")),
).where(Answer.participant_id == bindparam("participant_id"))


def answered_with(participant_id: int, client_key: str) -> bool:
    """Return whether the participant's answer with this client key is stored."""
    key = {"participant_id": participant_id, "key": client_key}
    return db.session.execute(_BY_CLIENT_KEY, key).first() is not None


def _existing(person: Participant, client_key: str) -> Answer | None:
    return db.session.execute(
        _BY_CLIENT_KEY, {"participant_id": person.id, "key": client_key}
    ).scalar_one_or_none()


@writes
def submit_answer(
    workshop_id: int,
    participant_id: int,
    question_id: int,
    text: str,
    client_key: str | None = None,
) -> tuple[Answer, bool]:
    """Store an answer and return it with whether it is new.

    A send retried with the same `client_key` returns the answer stored the
    first time, so an answer is never stored twice.
    """
    if client_key is not None and (
        not isinstance(client_key, str) or not 0 < len(client_key) <= CLIENT_KEY_MAX
    ):
        raise ValidationError("The answer's client key must be 1 to 64 characters.")
    # One participant's answers are counted and stored one at a time.
    person = find_participant(workshop_id, participant_id, lock=True)
    count, stored_id = db.session.execute(
        _MINE, {"participant_id": person.id, "question_id": question_id, "key": client_key}
    ).one()
    if stored_id is not None:
        stored = db.session.get(Answer, stored_id)
        assert stored is not None  # read under the participant's lock
        return stored, False
    text = required_text(text, label="Your answer", limit=ANSWER_MAX, multiline=True)
    question = _open_question(person.workshop, question_id)
    if count >= ANSWERS_PER_QUESTION:
        raise LimitReached(f"You can send up to {ANSWERS_PER_QUESTION} answers per question.")
    # Built with its question and author, so publishing it needs no query.
    answer = Answer(
        workshop_id=person.workshop_id,
        question=question,
        participant=person,
        text=text,
        client_key=client_key,
    )
    answer.created_at = answer.updated_at = utcnow()
    record(AnswerChanged(person.workshop_id, answer))
    # The same send may arrive twice at once; then the other one was stored.
    return _add_once(answer, lambda: _existing(person, client_key) if client_key else None)


@writes
def edit_answer(workshop_id: int, participant_id: int, answer_id: int, text: str) -> Answer:
    """Rewrite one of the participant's answers while its question is open."""
    person = find_participant(workshop_id, participant_id)
    answer = _own_answer(person, answer_id)
    text = required_text(text, label="Your answer", limit=ANSWER_MAX, multiline=True)
    _open_question(person.workshop, answer.question_id)
    answer.text = text
    answer.updated_at = utcnow()
    record(AnswerChanged(workshop_id, answer))
    db.session.commit()
    return answer


@dataclass(frozen=True, slots=True)
class RemovedAnswer:
    """What is left to say about an answer once it is deleted."""

    id: int
    question_id: int
    participant_id: int


@writes
def delete_answer(workshop_id: int, participant_id: int, answer_id: int) -> RemovedAnswer:
    """Delete one of the participant's answers while its question is open."""
    person = find_participant(workshop_id, participant_id)
    answer = _own_answer(person, answer_id)
    _open_question(person.workshop, answer.question_id)
    removed = RemovedAnswer(answer.id, answer.question_id, answer.participant_id)
    record(AnswerRemoved(workshop_id, removed))
    db.session.delete(answer)
    db.session.commit()
    return removed
