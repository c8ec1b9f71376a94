"""The one place that decides what each audience sees.

Each `*_state` function builds an audience's whole snapshot. The same payload
serves the first page load (in the join acknowledgement), a reconnect and every
`state` broadcast. Live answers travel as deltas built by the same view
functions the snapshots use, so a card looks the same either way.
"""

from __future__ import annotations

from calendar import timegm
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from .. import words
from ..extensions import db
from ..method import SECTION_LABELS, Section, get_method
from ..method import CanvasField as FieldSpec
from ..models import Answer, CanvasField, Participant, Question, Workshop, utcnow
from ..phases import PHASE_LABELS, Phase
from ..services import canvas
from ..services.facilitation import accepting_answers
from ..services.synthesis import own_reactions
from .theme_views import console_themes, screen_themes
from .vote_views import console_votes, current_of, own_dots_view, phone_vote, screen_vote

Payload = dict[str, Any]


def epoch_ms(moment: datetime) -> int:
    """Return a naive UTC datetime as milliseconds since the epoch, for the browser."""
    return timegm(moment.timetuple()) * 1000 + moment.microsecond // 1000


def timer_view(workshop: Workshop) -> Payload | None:
    if workshop.timer_ends_at is None:
        return None
    return {"ends_at": epoch_ms(workshop.timer_ends_at), "seconds": workshop.timer_seconds}


def workshop_view(workshop: Workshop, *, phone: bool = False) -> Payload:
    """Return what every audience knows about the workshop itself, with its change number."""
    phase = Phase(workshop.phase)
    return {
        "id": workshop.id,
        "seq": workshop.phone_seq if phone else workshop.seq,
        "title": workshop.title,
        "organisation": workshop.organisation,
        "join_code": workshop.join_code,
        "phase": phase.value,
        "phase_label": PHASE_LABELS[phase],
        "position": workshop.position,
        "total": len(workshop.questions),
        "answering_open": workshop.answering_open,
        "accepting": accepting_answers(workshop),
        "joining_locked": workshop.joining_locked,
        "timer": timer_view(workshop),
        # Clients compare this with their own clock, so a wrong phone clock is harmless.
        "server_time": epoch_ms(utcnow()),
    }


def spotlit(workshop: Workshop) -> Answer | None:
    """Return the answer the projector shows full-screen, if it still may: one of the
    question on screen, not hidden (a hidden or deleted one leaves the spotlight)."""
    question = workshop.current_question
    if workshop.spotlight_answer_id is None or question is None:
        return None
    answer = db.session.get(Answer, workshop.spotlight_answer_id)
    if answer is None or answer.question_id != question.id or answer.hidden:
        return None
    return answer


def wall_view(workshop: Workshop, *, screen: bool = False) -> Payload:
    """Return how the projector's answer wall stands: the pages turned, its pace, the spotlight.

    The projector gets the spotlit answer's words (without its author); the console its id.
    """
    answer = spotlit(workshop)
    spotlight: Any = None
    if answer is not None:
        spotlight = {"id": answer.id, "text": answer.text} if screen else answer.id
    question = workshop.current_question
    view: Payload = {
        "page": workshop.wall_page,
        "rotate_seconds": workshop.wall_rotate_seconds,
        "spotlight": spotlight,
        "show_as": question.show_as if question is not None else "answers",
    }
    if not screen:
        view["hidden_words"] = list(question.hidden_words or []) if question is not None else []
    return view


def cloud_view(workshop: Workshop, *, screen: bool = False) -> Payload | None:
    """Return the current question's word cloud, when it is shown as one (None otherwise).

    Every term with how many answers used it, most used first (workshop/words.py);
    the projector gets it only once the answers are revealed. Hidden answers are not
    counted, nor are the words the facilitator took out.
    """
    question = workshop.current_question
    if question is None or question.show_as != "cloud" or (screen and not question.revealed):
        return None
    texts = list(
        db.session.execute(
            db.select(Answer.text).filter_by(question_id=question.id, hidden=False)
        ).scalars()
    )
    left_out = set(question.hidden_words or ())
    terms = [{"key": w.key, "label": w.label, "count": w.count} for w in words.cloud(texts)]
    view: Payload = {
        "question_id": question.id,
        "answers": len(texts),
        "words": [term for term in terms if term["key"] not in left_out],
    }
    if not screen:  # the console lists what it took out, to put it back
        view["hidden"] = [term for term in terms if term["key"] in left_out]
    return view


def question_view(question: Question, total: int) -> Payload:
    method = get_method(question.workshop.method_key)
    return {
        "id": question.id,
        "position": question.position,
        "number": question.position + 1,
        "total": total,
        "section": question.section,
        "section_label": SECTION_LABELS[Section(question.section)],
        "prompt": question.prompt,
        "hint": question.hint,
        "field": question.field,
        "facet": question.facet,
        "field_label": method.field(question.field).label,
        "revealed": question.revealed,
    }


def answer_view(answer: Answer, *, with_author: bool = True) -> Payload:
    """Return one answer card; the projector gets it without the author."""
    view: Payload = {
        "id": answer.id,
        "question_id": answer.question_id,
        "text": answer.text,
        "hidden": answer.hidden,
        "edited": answer.edited,
        "merged_into": answer.merged_into_id,
        "created_at": epoch_ms(answer.created_at),
        "updated_at": epoch_ms(answer.updated_at),
    }
    if with_author:
        view["participant_id"] = answer.participant_id
        view["author"] = answer.participant.display_name
        view["author_removed"] = answer.participant.removed_at is not None
    return view


def own_answer_view(answer: Answer) -> Payload:
    """Return an answer as its author's phone shows it: saved, on which question."""
    return {
        "id": answer.id,
        "question_id": answer.question_id,
        "text": answer.text,
        "client_key": answer.client_key,
        "edited": answer.edited,
        "updated_at": epoch_ms(answer.updated_at),
        "status": "saved",
    }


def participant_view(person: Participant, online: frozenset[int], answered: set[int]) -> Payload:
    return {
        "id": person.id,
        "name": person.display_name,
        "anonymous": person.name is None,
        "connected": person.id in online,
        "answered_current": person.id in answered,
    }


def counts(workshop: Workshop, online: frozenset[int], *, shown_only: bool = False) -> Payload:
    """Return the live numbers: joined, connected, and answers to the current question.

    With `shown_only` (the projector), answers hidden by the facilitator are not counted.
    """
    # Removed participants are out of the room: not counted, nor are their answers.
    joined = db.session.execute(
        db.select(func.count(Participant.id)).filter_by(workshop_id=workshop.id, removed_at=None)
    ).scalar_one()
    answers = answered = 0
    question = workshop.current_question
    if question is not None:
        query = (
            db.select(func.count(Answer.id), func.count(Answer.participant_id.distinct()))
            .join(Participant, Participant.id == Answer.participant_id)
            .where(Answer.question_id == question.id, Participant.removed_at.is_(None))
        )
        if shown_only:
            query = query.where(Answer.hidden.is_(False))
        answers, answered = db.session.execute(query).one()
    return {
        "question_id": question.id if question else None,
        "participants": joined,
        "connected": len(online),
        "answers": answers,
        "answered": answered,
    }


def answered_current(workshop: Workshop, participant_id: int | None = None) -> set[int]:
    """Return the ids of participants (or only of this one) who answered the current question."""
    question = workshop.current_question
    if question is None:
        return set()
    query = db.select(Answer.participant_id).filter_by(question_id=question.id)
    if participant_id is not None:
        query = query.filter_by(participant_id=participant_id).limit(1)
    return set(db.session.execute(query.distinct()).scalars())


def console_state(workshop: Workshop, online: frozenset[int]) -> Payload:
    """Return everything the facilitator's console shows."""
    total = len(workshop.questions)
    answered = answered_current(workshop)
    answers = db.session.execute(
        db.select(Answer)
        .filter_by(workshop_id=workshop.id)
        .options(joinedload(Answer.participant))
        .order_by(Answer.id)
    ).scalars()
    every_vote = console_votes(workshop.id)
    return {
        "audience": "console",
        "workshop": workshop_view(workshop),
        "questions": [question_view(q, total) for q in workshop.questions],
        "participants": [
            participant_view(p, online, answered)
            for p in workshop.participants
            if p.removed_at is None
        ],
        "answers": [answer_view(a) for a in answers],
        "counts": counts(workshop, online),
        "canvas": canvas_view(workshop, console=True),
        "wall": wall_view(workshop),
        "cloud": cloud_view(workshop),
        "themes": console_themes(workshop.id),
        "vote": current_of(workshop, every_vote),
        "votes": every_vote,
    }


def console_move(workshop: Workshop, online: frozenset[int]) -> Payload:
    """Return what changes on the console when the room moves within the questions.

    Starting, moving between questions, revealing, opening or closing answering
    and the timer change the pointer, the questions' flags and the counts, never
    the people or the answers, which the console already holds: a room of 2,000
    is not sent again on every click.
    """
    total = len(workshop.questions)
    return {
        "workshop": workshop_view(workshop),
        "questions": [question_view(q, total) for q in workshop.questions],
        "counts": counts(workshop, online),
        "wall": wall_view(workshop),
        "cloud": cloud_view(workshop),
        "seq": workshop.seq,
    }


def screen_state(workshop: Workshop, online: frozenset[int]) -> Payload:
    """Return what the projector shows: never an author, never a hidden or unrevealed answer."""
    question = workshop.current_question
    cards: list[Payload] = []
    if question is not None and question.revealed:
        cards = [
            answer_view(a, with_author=False)
            for a in db.session.execute(
                db.select(Answer)
                .filter_by(question_id=question.id, hidden=False)
                .order_by(Answer.id)
            ).scalars()
        ]
    return {
        "audience": "screen",
        "workshop": workshop_view(workshop),
        "question": question_view(question, len(workshop.questions)) if question else None,
        "answers": cards,
        "counts": counts(workshop, online, shown_only=True),
        "canvas": canvas_view(workshop) if _canvas_shown(workshop) else None,
        "wall": wall_view(workshop, screen=True),
        "cloud": cloud_view(workshop, screen=True),
        "themes": screen_themes(workshop),
        "vote": screen_vote(workshop),
    }


def phone_state(workshop: Workshop) -> Payload:
    """Return what every phone of the workshop shows; nobody else's answers."""
    question = workshop.current_question
    return {
        "audience": "phone",
        "workshop": workshop_view(workshop, phone=True),
        "question": question_view(question, len(workshop.questions)) if question else None,
        "canvas": canvas_view(workshop) if workshop.phase == Phase.SYNTHESIS else None,
        "vote": phone_vote(workshop),
    }


def phone_snapshot(workshop: Workshop, person: Participant) -> Payload:
    """Return one phone's whole view: the shared state plus its own saved answers."""
    mine = db.session.execute(
        db.select(Answer).filter_by(participant_id=person.id).order_by(Answer.id)
    ).scalars()
    return {
        "state": phone_state(workshop),
        "me": {"id": person.id, "name": person.display_name, "anonymous": person.name is None},
        "answers": [own_answer_view(a) for a in mine],
        "reactions": own_reactions(person.id),
        "my_dots": own_dots_view(workshop, person.id),
    }


def field_view(
    field: CanvasField,
    spec: FieldSpec,
    tally: dict[str, int],
    pinned: list[int] | None = None,
    pinned_themes: list[int] | None = None,
) -> Payload:
    """Return one canvas field live; only the console gets the pinned answers' and themes' ids."""
    view: Payload = {
        "key": field.key,
        "label": spec.label,
        "summary": spec.summary,
        "statement": field.statement,
        "version": field.version,
        "reactions": tally,
    }
    if field.key == "purpose":
        view["purpose"] = field.purpose
    if field.key == "values":
        items = field.items or {}
        view["values"] = {
            "ours": list(items.get("ours", [])),
            "shared": list(items.get("shared", [])),
        }
    if pinned is not None:
        view["pins"] = pinned
        view["theme_pins"] = pinned_themes or []
    return view


def canvas_view(workshop: Workshop, *, console: bool = False) -> Payload:
    """Return the live canvas: every field in the method's order, and the sealed versions."""
    live = canvas.fields(workshop)
    counted = canvas.tallies(workshop.id)
    pinned = canvas.pins(workshop.id) if console else {}
    themes = canvas.theme_pin_ids(workshop.id) if console else {}
    empty = {"agree": 0, "concern": 0}
    view: Payload = {
        "fields": [
            field_view(
                live[spec.key],
                spec,
                counted.get(spec.key, empty),
                [a.id for a in pinned.get(spec.key, [])] if console else None,
                themes.get(spec.key),
            )
            for spec in get_method(workshop.method_key).fields
        ],
        "versions": [
            {"number": v.number, "sealed_at": epoch_ms(v.sealed_at)} for v in workshop.versions
        ],
    }
    if console:
        view["share_token"] = workshop.share_token
    return view


def _canvas_shown(workshop: Workshop) -> bool:
    return workshop.phase in (Phase.SYNTHESIS, Phase.ENDED)
