"""Dot votes: the facilitator opens one on themes, answers or drafted statements, the
phones spread their dots, and the results are kept with the workshop.

A phone sends its whole allocation each time (`place`), which replaces what it had:
a retried or repeated send changes nothing, and two tabs of one person can only ever
leave one allocation, checked against the budget under the person's lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, select

from .. import votes as rules
from ..changes import DotsPlaced, VoteChanged
from ..errors import Closed, NotFound, TransitionError, ValidationError
from ..extensions import db
from ..method import get_method
from ..models import Answer, Dot, Participant, Vote, VoteItem, Workshop, utcnow
from ..phases import Phase
from ..themes import ACCEPTED, parse_scope
from . import themes
from .lookup import present_participant, workshop_by_id
from .transactions import writes
from .unit_of_work import record

CLOSED_MESSAGE = "This vote has closed; your dots stay as you left them."


@dataclass(frozen=True, slots=True)
class Ranked:
    """One item of a vote with its dots and how many people put one on it."""

    item: VoteItem
    dots: int
    voters: int


def current(workshop: Workshop) -> Vote | None:
    """Return the vote every screen shows now, if any."""
    if workshop.vote_id is None:
        return None
    vote = db.session.get(Vote, workshop.vote_id)
    return vote if vote is not None and vote.workshop_id == workshop.id else None


def shows_answers(workshop: Workshop) -> bool:
    """Return whether the vote on the screens is on answers (whose texts phones show)."""
    vote = current(workshop)
    return vote is not None and vote.kind == "answers"


def withdrawn_items(vote: Vote) -> set[int]:
    """Return the items of a vote on answers whose answer is no longer shown: hidden,
    merged into another, deleted, or by someone the facilitator removed. The room and
    the public never see them again; the facilitator's console marks them."""
    if vote.kind != "answers":
        return set()
    refs = {item.ref_id for item in vote.items if item.ref_id is not None}
    shown = set(
        db.session.execute(
            db.select(Answer.id)
            .join(Participant, Participant.id == Answer.participant_id)
            .where(
                Answer.id.in_(refs),
                Answer.hidden.is_(False),
                Answer.merged_into_id.is_(None),
                Participant.removed_at.is_(None),
            )
        ).scalars()
    )
    return {item.id for item in vote.items if item.ref_id not in shown}


def all_votes(workshop_id: int) -> list[Vote]:
    """Return the workshop's votes, oldest first."""
    return list(
        db.session.execute(
            db.select(Vote).filter_by(workshop_id=workshop_id).order_by(Vote.id)
        ).scalars()
    )


Items = list[tuple[str, int | None]]


def _items(
    workshop: Workshop, kind: str, scope: str | None, field: str | None, drafts: list[str] | None
) -> tuple[str, Items]:
    """Return the field the vote informs and its items (label, the theme or answer id)."""
    if kind == "statements":
        keys = {spec.key for spec in get_method(workshop.method_key).fields}
        if field not in keys:
            raise NotFound(f"This canvas has no field '{field}'.")
        return field, [(text, None) for text in rules.statements(drafts)]  # type: ignore[return-value]
    if scope is None:
        raise ValidationError("Say whose themes or answers the vote is on (a scope).")
    where = parse_scope(scope)
    questions = themes.scope_questions(workshop, where)
    informs = where.field or (questions[0].field if questions else "")
    if kind == "answers":
        if where.question_id is None:
            raise ValidationError("A vote on answers is on one question's answers.")
        found = themes.groupable(workshop, where)
        rules.item_count(len(found), "answers")
        return informs, [(answer.text, answer.id) for answer in found]
    accepted = [t for t in themes.scope_themes(workshop.id, where.key) if t.status == ACCEPTED]
    if not accepted:
        raise ValidationError("Accept the themes to vote on first.")
    rules.item_count(len(accepted), "accepted themes")
    return informs, [(theme.label, theme.id) for theme in accepted]


def _locked(workshop_id: int) -> Workshop:
    """Return the workshop, its row locked until the commit on PostgreSQL: two consoles
    opening a vote at once take turns, and the second finds the first open."""
    workshop = db.session.get(Workshop, workshop_id, with_for_update=True)
    if workshop is None:
        return workshop_by_id(workshop_id)  # raises NotFound
    return workshop


def _open_vote(workshop: Workshop) -> Vote | None:
    vote = current(workshop)
    return vote if vote is not None and vote.status == rules.OPEN else None


@writes
def open_vote(
    workshop_id: int,
    kind: str,
    *,
    scope: str | None = None,
    field: str | None = None,
    statements: list[str] | None = None,
    dots: int | None = None,
    stack: bool = False,
    results_hidden: bool = False,
    title: str | None = None,
) -> Vote:
    """Open a dot vote; every phone gets it at once. One vote is open at a time."""
    kind = rules.kind(kind)
    each = rules.dots_each(dots)
    question = rules.title_text(title, kind)
    workshop = _locked(workshop_id)
    if workshop.phase in (Phase.LOBBY, Phase.ENDED):
        raise TransitionError("Votes happen during the questions or the synthesis.")
    if _open_vote(workshop) is not None:
        raise TransitionError("Close the open vote before starting another.")
    informs, items = _items(workshop, kind, scope, field, statements)
    vote = Vote(
        workshop_id=workshop.id,
        title=question,
        kind=kind,
        field=informs,
        dots=each,
        stack=stack,
        status=rules.OPEN,
        results_hidden=results_hidden,
    )
    vote.items = [
        VoteItem(position=n, label=label, ref_id=ref) for n, (label, ref) in enumerate(items)
    ]
    db.session.add(vote)
    db.session.flush()
    workshop.vote_id = vote.id
    record(VoteChanged(workshop.id))
    db.session.commit()
    return vote


def close_open(workshop: Workshop) -> Vote | None:
    """Close the workshop's open vote, if any, within the caller's write; return it."""
    vote = _open_vote(workshop)
    if vote is not None:
        vote.status = rules.CLOSED
        vote.closed_at = utcnow()
        record(VoteChanged(workshop.id))
    return vote


@writes
def close_vote(workshop_id: int) -> Vote:
    """Close the open vote: dots stay as they are, and the results show everywhere."""
    vote = close_open(_locked(workshop_id))
    if vote is None:
        raise TransitionError("No vote is open.")
    db.session.commit()
    return vote


@writes
def show_results(workshop_id: int, shown: bool) -> Vote:
    """Show the current vote's live results on the projector, or keep them for the close."""
    workshop = _locked(workshop_id)
    vote = current(workshop)
    if vote is None:
        raise TransitionError("No vote is on the screens.")
    if vote.status != rules.OPEN:
        raise TransitionError("The vote has closed: its results show everywhere.")
    if vote.results_hidden == shown:
        vote.results_hidden = not shown
        record(VoteChanged(workshop.id, phones=False))
    db.session.commit()
    return vote


@writes
def clear_vote(workshop_id: int) -> Workshop:
    """Take the current vote off every screen (closing it if open); its results are kept."""
    workshop = _locked(workshop_id)
    close_open(workshop)
    if workshop.vote_id is not None:
        workshop.vote_id = None
        record(VoteChanged(workshop.id))
    db.session.commit()
    return workshop


# What a phone's dots are checked against, in one query: the vote and where the room is.
_VOTE_NOW = (
    select(Vote.status, Vote.dots, Vote.stack, Vote.created_at, Workshop.vote_id, Workshop.phase)
    .join(Workshop, Workshop.id == Vote.workshop_id)
    .where(Vote.id == bindparam("vote"), Vote.workshop_id == bindparam("workshop"))
    # On PostgreSQL a close (FOR UPDATE of the workshop, then the vote's row) waits for
    # the placings under way, and a placing after it reads it closed; phones never wait
    # on each other. SQLite's write lock already orders them.
    .with_for_update(read=True, of=Vote)
)
_ITEMS = select(VoteItem.id).where(VoteItem.vote_id == bindparam("vote"))
_DOTS = insert(Dot)
# A vote's items never change once it is open, and a room places thousands of dots on
# them: their ids are kept per database and vote (and the vote's time, should a new
# database give a vote the same id).
_item_ids: dict[tuple[str, int, Any], frozenset[int]] = {}


def _items_of(vote_id: int, created_at: Any) -> frozenset[int]:
    key = (str(db.engine.url), vote_id, created_at)
    found = _item_ids.get(key)
    if found is None:
        found = frozenset(db.session.execute(_ITEMS, {"vote": vote_id}).scalars())
        if len(_item_ids) >= 1000:
            _item_ids.clear()
        _item_ids[key] = found
    return found


@writes
def place(
    workshop_id: int, participant_id: int, vote_id: int, raw: Mapping[str, Any]
) -> dict[int, int]:
    """Replace a person's dots on the open vote with `raw`; return them as stored.

    Four statements and the commit: the person locked, the vote read, their dots
    deleted, the new ones inserted; a room votes at once.
    """
    person = present_participant(workshop_id, participant_id, lock=True)
    vote = db.session.execute(_VOTE_NOW, {"vote": vote_id, "workshop": workshop_id}).one_or_none()
    if vote is None:
        raise NotFound("That vote does not exist.")
    if vote.vote_id != vote_id or vote.status != rules.OPEN or vote.phase == Phase.ENDED:
        raise Closed(CLOSED_MESSAGE, code="vote_closed")
    items = _items_of(vote_id, vote.created_at)
    placed = rules.allocation(raw, set(items), vote.dots, vote.stack)
    db.session.execute(db.delete(Dot).filter_by(vote_id=vote_id, participant_id=person.id))
    if placed:
        rows = [
            {"vote_id": vote_id, "item_id": item, "participant_id": person.id, "count": count}
            for item, count in placed.items()
        ]
        db.session.execute(_DOTS, rows)
    record(DotsPlaced(workshop_id, vote_id, person.id, placed))
    db.session.commit()
    return placed


def own_dots(vote: Vote | None, participant_id: int) -> dict[int, int]:
    """Return one person's dots on a vote, by item id."""
    if vote is None:
        return {}
    rows = db.session.execute(
        db.select(Dot.item_id, Dot.count).filter_by(vote_id=vote.id, participant_id=participant_id)
    )
    return {item: count for item, count in rows}


def results(vote: Vote) -> tuple[list[Ranked], int]:
    """Return the items, most dotted first (then in their order), and how many people voted.

    The dots of people the facilitator removed are not counted.
    """
    counted = (
        db.select(Dot.item_id, func.sum(Dot.count), func.count(Dot.participant_id))
        .join(Participant, Participant.id == Dot.participant_id)
        .where(Dot.vote_id == vote.id, Participant.removed_at.is_(None))
        .group_by(Dot.item_id)
    )
    by_item = {item: (int(dots), voters) for item, dots, voters in db.session.execute(counted)}
    voters = db.session.execute(
        db.select(func.count(Dot.participant_id.distinct()))
        .join(Participant, Participant.id == Dot.participant_id)
        .where(Dot.vote_id == vote.id, Participant.removed_at.is_(None))
    ).scalar_one()
    ranked = [Ranked(item, *by_item.get(item.id, (0, 0))) for item in vote.items]
    ranked.sort(key=lambda r: (-r.dots, r.item.position))
    return ranked, voters
