"""What a facilitator does: create a workshop and drive it live."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from .. import phases
from ..changes import (
    AnswerChanged,
    ParticipantRemoved,
    RoomChanged,
    RoomMoved,
    VoteChanged,
    WallChanged,
)
from ..codes import new_join_code, new_token
from ..errors import NotFound, TransitionError, ValidationError
from ..extensions import db
from ..method import Section, get_method
from ..models import Answer, Participant, Question, Reaction, Workshop, utcnow
from ..phases import Phase, Pointer
from ..text import ORGANISATION_MAX, TITLE_MAX, optional_text, required_text
from . import canvas
from .lookup import workshop_by_id
from .transactions import writes
from .unit_of_work import record

TIMER_MIN_SECONDS = 10
TIMER_MAX_SECONDS = 60 * 60
# The wall turns by itself every few seconds at most, and at least every five minutes.
WALL_ROTATE_MIN_SECONDS = 5
WALL_ROTATE_MAX_SECONDS = 300
# Turns are counted, wrapping round the projector's pages; this bounds the count.
WALL_TURNS_MAX = 100_000
# How the projector shows a question's revealed answers.
SHOW_AS_ANSWERS = "answers"
SHOW_AS_CLOUD = "cloud"
SHOW_AS_THEMES = "themes"
SHOW_AS = (SHOW_AS_ANSWERS, SHOW_AS_CLOUD, SHOW_AS_THEMES)
# Words one question's cloud may leave out.
HIDDEN_WORDS_MAX = 200
_CODE_ATTEMPTS = 20


@writes
def create_workshop(
    title: str,
    organisation: str | None,
    method_key: str,
    team_id: int,
    created_by_id: int | None = None,
) -> Workshop:
    """Create a team's workshop in the lobby, with its questions copied from the method."""
    workshop = new_workshop(title, organisation, method_key, team_id, created_by_id)
    db.session.commit()
    return workshop


def new_workshop(
    title: str,
    organisation: str | None,
    method_key: str,
    team_id: int,
    created_by_id: int | None = None,
) -> Workshop:
    """Add a new workshop to the write under way; the caller commits."""
    title = required_text(title, label="The title", limit=TITLE_MAX)
    organisation = optional_text(organisation, label="The organisation", limit=ORGANISATION_MAX)
    try:
        method = get_method(method_key)
    except KeyError:
        raise ValidationError("Choose one of the workshop templates.") from None

    for _ in range(_CODE_ATTEMPTS):
        workshop = Workshop(
            team_id=team_id,
            created_by_id=created_by_id,
            join_code=new_join_code(),
            screen_token=new_token(),
            title=title,
            organisation=organisation,
            method_key=method.key,
            phase=Phase.LOBBY.value,
            questions=[
                # Copied, not referenced: editing a method never rewrites past workshops.
                Question(
                    position=position,
                    key=spec.key,
                    section=spec.section.value,
                    prompt=spec.prompt,
                    hint=spec.hint,
                    field=spec.field,
                    facet=spec.facet,
                    # What we stand for reads best as a cloud in front of the room.
                    show_as=SHOW_AS_CLOUD if spec.section is Section.VALUES else SHOW_AS_ANSWERS,
                )
                for position, spec in enumerate(method.questions)
            ],
        )
        try:
            # A savepoint: a join code collision undoes this workshop alone, not the caller's write.
            with db.session.begin_nested():
                db.session.add(workshop)
                canvas.fields(workshop)
        except IntegrityError:  # draw another code
            continue
        return workshop
    raise RuntimeError("Could not draw a free join code.")


def point_to(workshop: Workshop, pointer: Pointer) -> None:
    """Point the room somewhere new: a new question opens answering and clears the timer."""
    workshop.pointer = pointer
    workshop.answering_open = pointer.on_question
    workshop.timer_ends_at = None
    workshop.timer_seconds = None
    # A new place starts the wall on its first page, with nothing in the spotlight.
    workshop.wall_page = 0
    workshop.spotlight_answer_id = None


@writes
def start(workshop_id: int) -> Workshop:
    """Leave the lobby for the first question."""
    workshop = workshop_by_id(workshop_id)
    point_to(workshop, phases.start(workshop.pointer, len(workshop.questions)))
    workshop.started_at = utcnow()
    record(RoomMoved(workshop.id))
    db.session.commit()
    return workshop


@writes
def step(workshop_id: int, delta: int) -> Workshop:
    """Move to the next (delta=1) or previous (delta=-1) question."""
    workshop = workshop_by_id(workshop_id)
    point_to(workshop, phases.step(workshop.pointer, delta, len(workshop.questions)))
    record(RoomMoved(workshop.id))
    db.session.commit()
    return workshop


@writes
def goto(workshop_id: int, position: int) -> Workshop:
    """Jump to the question at `position` (0-based)."""
    workshop = workshop_by_id(workshop_id)
    point_to(workshop, phases.goto(workshop.pointer, position, len(workshop.questions)))
    record(RoomMoved(workshop.id))
    db.session.commit()
    return workshop


def end(workshop: Workshop) -> None:
    """Point the workshop at its end: answering closes for good. The caller commits."""
    point_to(workshop, phases.end(workshop.pointer))
    workshop.ended_at = utcnow()


def _current_question(workshop: Workshop) -> Question:
    question = workshop.current_question
    if question is None:
        raise TransitionError("There is no question on screen right now.")
    return question


@writes
def set_answering(workshop_id: int, is_open: bool) -> Workshop:
    """Open or close answering on the current question."""
    workshop = workshop_by_id(workshop_id)
    _current_question(workshop)
    workshop.answering_open = is_open
    if is_open and workshop.timer_ends_at is not None and workshop.timer_ends_at <= utcnow():
        # Reopening after time ran out means the spent countdown no longer applies,
        # even within the grace period that late answers get.
        workshop.timer_ends_at = None
        workshop.timer_seconds = None
    record(RoomMoved(workshop.id))
    db.session.commit()
    return workshop


@writes
def set_revealed(workshop_id: int, revealed: bool) -> Workshop:
    """Show or hide the current question's answers on the projector."""
    workshop = workshop_by_id(workshop_id)
    _current_question(workshop).revealed = revealed
    record(RoomMoved(workshop.id))
    db.session.commit()
    return workshop


@writes
def set_answer_hidden(workshop_id: int, answer_id: int, hidden: bool) -> Answer:
    """Hide one answer from the projector (moderation), or show it again."""
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.workshop_id != workshop_id:
        raise NotFound("That answer does not exist.")
    if not hidden and answer.participant.removed_at is not None:
        raise ValidationError("The answers of a removed participant stay hidden.")
    answer.hidden = hidden
    record(AnswerChanged(workshop_id, answer))
    _vote_items_may_change(answer.participant.workshop)
    db.session.commit()
    return answer


def _vote_items_may_change(workshop: Workshop) -> None:
    """A vote on answers shows their texts on every screen: hiding one takes it off them."""
    from . import votes  # votes reads themes, which reads the canvas this module uses

    if votes.shows_answers(workshop):
        record(VoteChanged(workshop.id))


@writes
def set_joining_locked(workshop_id: int, locked: bool) -> Workshop:
    """Close the door to new participants, or open it again; people already in stay in."""
    workshop = workshop_by_id(workshop_id)
    if workshop.joining_locked != locked:
        workshop.joining_locked = locked
        record(RoomChanged(workshop.id))
    db.session.commit()
    return workshop


@writes
def remove_participant(workshop_id: int, participant_id: int) -> Participant:
    """Remove a participant: their answers are hidden everywhere and they cannot come back.

    The row stays (with `removed_at`), so their rejoin token finds them and is refused,
    and nothing they wrote is lost to the record. Removing twice changes nothing more.
    """
    person = db.session.get(Participant, participant_id)
    if person is None or person.workshop_id != workshop_id:
        raise NotFound("That participant is not part of this workshop.")
    if person.removed_at is None:
        person.removed_at = utcnow()
        # Hidden, the answers leave every view that shows the room or the public.
        db.session.execute(
            db.update(Answer).where(Answer.participant_id == person.id).values(hidden=True)
        )
        # Their agree and concern votes go: a script's fake people must not sway the canvas.
        db.session.execute(db.delete(Reaction).where(Reaction.participant_id == person.id))
        record(ParticipantRemoved(workshop_id, person))
        _vote_items_may_change(person.workshop)
    db.session.commit()
    return person


@writes
def start_timer(workshop_id: int, seconds: int) -> Workshop:
    """Start a countdown on the current question; its end comes from the server's clock."""
    if not TIMER_MIN_SECONDS <= seconds <= TIMER_MAX_SECONDS:
        raise ValidationError(
            f"A timer runs from {TIMER_MIN_SECONDS} seconds to {TIMER_MAX_SECONDS // 60} minutes."
        )
    workshop = workshop_by_id(workshop_id)
    _current_question(workshop)
    workshop.answering_open = True
    workshop.timer_seconds = seconds
    workshop.timer_ends_at = utcnow() + timedelta(seconds=seconds)
    record(RoomMoved(workshop.id))
    db.session.commit()
    return workshop


@writes
def stop_timer(workshop_id: int) -> Workshop:
    """Cancel the countdown; answering stays as it is."""
    workshop = workshop_by_id(workshop_id)
    workshop.timer_ends_at = None
    workshop.timer_seconds = None
    record(RoomMoved(workshop.id))
    db.session.commit()
    return workshop


# An answer sent in the last moment still counts if it arrives this soon after the end.
TIMER_GRACE = timedelta(seconds=2)


def timer_expired(workshop: Workshop) -> bool:
    """Return whether the countdown has run out (grace period included)."""
    ends = workshop.timer_ends_at
    return ends is not None and utcnow() > ends + TIMER_GRACE


def accepting_answers(workshop: Workshop) -> bool:
    """Return whether phones may answer, edit or delete on the current question now."""
    return workshop.pointer.on_question and workshop.answering_open and not timer_expired(workshop)


@writes
def turn_wall(workshop_id: int, by: int) -> Workshop:
    """Turn the projector's answer wall `by` pages (back when negative); it wraps round."""
    workshop = workshop_by_id(workshop_id)
    _current_question(workshop)
    turned = workshop.wall_page + by
    workshop.wall_page = max(-WALL_TURNS_MAX, min(WALL_TURNS_MAX, turned))
    record(WallChanged(workshop.id))
    db.session.commit()
    return workshop


@writes
def set_wall_rotation(workshop_id: int, seconds: int) -> Workshop:
    """Have the wall turn a page by itself every `seconds` (0: only on the facilitator's key)."""
    if seconds and not WALL_ROTATE_MIN_SECONDS <= seconds <= WALL_ROTATE_MAX_SECONDS:
        raise ValidationError(
            f"The wall turns every {WALL_ROTATE_MIN_SECONDS} to {WALL_ROTATE_MAX_SECONDS} "
            "seconds, or only when you turn it."
        )
    workshop = workshop_by_id(workshop_id)
    if workshop.wall_rotate_seconds != seconds:
        workshop.wall_rotate_seconds = seconds
        record(WallChanged(workshop.id))
    db.session.commit()
    return workshop


@writes
def set_spotlight(workshop_id: int, answer_id: int | None) -> Workshop:
    """Show one answer of the current question full-screen on the projector, or none."""
    workshop = workshop_by_id(workshop_id)
    question = _current_question(workshop)
    if answer_id is not None:
        answer = db.session.get(Answer, answer_id)
        if answer is None or answer.workshop_id != workshop_id:
            raise NotFound("That answer does not exist.")
        if answer.question_id != question.id:
            raise ValidationError("Only an answer to the question on screen can be spotlit.")
        if answer.hidden:
            raise ValidationError("A hidden answer cannot be spotlit: show it first.")
    if workshop.spotlight_answer_id != answer_id:
        workshop.spotlight_answer_id = answer_id
        record(WallChanged(workshop.id))
    db.session.commit()
    return workshop


@writes
def show_answers_as(workshop_id: int, show_as: str) -> Workshop:
    """Show the current question's revealed answers on the projector as cards or as a cloud."""
    if show_as not in SHOW_AS:
        raise ValidationError(
            "Show the answers as cards (answers), a word cloud (cloud) or their themes (themes)."
        )
    workshop = workshop_by_id(workshop_id)
    question = _current_question(workshop)
    if question.show_as != show_as:
        question.show_as = show_as
        workshop.wall_page = 0
        record(WallChanged(workshop.id))
    db.session.commit()
    return workshop


@writes
def hide_word(workshop_id: int, key: str, hidden: bool) -> Workshop:
    """Take a word out of the current question's cloud (by its key), or put it back."""
    workshop = workshop_by_id(workshop_id)
    question = _current_question(workshop)
    words = list(question.hidden_words or [])
    if hidden and key not in words:
        if len(words) >= HIDDEN_WORDS_MAX:
            raise ValidationError(
                f"A cloud can leave out at most {HIDDEN_WORDS_MAX} words: show one again first."
            )
        words.append(key)
    elif not hidden and key in words:
        words.remove(key)
    else:
        db.session.commit()
        return workshop
    question.hidden_words = words
    record(WallChanged(workshop.id))
    db.session.commit()
    return workshop
