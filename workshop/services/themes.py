"""Themes: the grouping engine suggests them, the facilitator decides what stands.

Suggesting groups the answers of a scope that no accepted theme holds yet, off the
event loop, and replaces the scope's earlier suggestions: what the facilitator accepted
is never reshuffled. Every other change is the facilitator's: accept, rename, merge,
split, dismiss, move answers, pin a theme to a canvas field. Each is saved as it is
made, and reaches every console (and the projector, when it shows themes) through
the unit of work.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from .. import themes as rules
from ..changes import FieldChanged, ThemesChanged
from ..errors import NotFound, TransitionError, ValidationError
from ..extensions import db
from ..grouping import Group, default_engine
from ..method import get_method
from ..models import Answer, Participant, Question, Theme, ThemeMember, ThemePin, Workshop
from ..offload import off_loop
from ..phases import Phase
from ..themes import ACCEPTED, SUGGESTED, Scope
from . import canvas
from .lookup import workshop_by_id
from .transactions import writes
from .unit_of_work import record

# A split tries the engine's own cut on the theme's answers, then finer ones, then a
# coarser one, and takes the first that gives two parts of two or more answers.
SPLIT_GRANULARITIES = (0.0, -0.5, -1.0, 0.5)
# Fitting groups coarser than suggesting: a new answer need only be nearer one theme's
# answers than the others', not as close as a theme's own answers are to each other.
FIT_GRANULARITY = 0.5
NO_THEMES_IN_ENDED = "This workshop has ended: its themes stay as they were."


@dataclass(frozen=True, slots=True)
class Offer:
    """New answers that fit an accepted theme ("3 new answers fit 'Reach new markets'")."""

    theme_id: int
    answer_ids: list[int]


# ---------------------------------------------------------------- reading


def scope_questions(workshop: Workshop, scope: Scope) -> list[Question]:
    """Return the questions whose answers the scope gathers, or raise NotFound."""
    if scope.question_id is not None:
        found = [q for q in workshop.questions if q.id == scope.question_id]
        if not found:
            raise NotFound("This workshop has no such question.")
        return found
    if scope.field not in {spec.key for spec in get_method(workshop.method_key).fields}:
        raise NotFound(f"This canvas has no field '{scope.field}'.")
    return [q for q in workshop.questions if q.field == scope.field]


def groupable(workshop: Workshop, scope: Scope) -> list[Answer]:
    """Return the scope's answers a theme may hold: shown, standing on their own, oldest first.

    Hidden answers, answers merged into another and the answers of removed people are
    left out: the facilitator groups what the room can see.
    """
    ids = [q.id for q in scope_questions(workshop, scope)]
    if not ids:
        return []
    return list(
        db.session.execute(
            db.select(Answer)
            .join(Participant, Participant.id == Answer.participant_id)
            .where(
                Answer.question_id.in_(ids),
                Answer.hidden.is_(False),
                Answer.merged_into_id.is_(None),
                Participant.removed_at.is_(None),
            )
            .order_by(Answer.id)
        ).scalars()
    )


def scope_themes(workshop_id: int, scope_key: str) -> list[Theme]:
    """Return the scope's themes, oldest first, with their members."""
    return list(
        db.session.execute(
            db.select(Theme)
            .filter_by(workshop_id=workshop_id, scope=scope_key)
            .options(selectinload(Theme.members))
            .order_by(Theme.id)
        ).scalars()
    )


def workshop_themes(workshop_id: int, *, with_answers: bool = False) -> list[Theme]:
    """Return every theme of the workshop, oldest first, with their members (and, asked,
    each member's answer and its question, in the same few queries)."""
    load = selectinload(Theme.members)
    if with_answers:
        load = load.selectinload(ThemeMember.answer).joinedload(Answer.question)
    return list(
        db.session.execute(
            db.select(Theme).filter_by(workshop_id=workshop_id).options(load).order_by(Theme.id)
        ).scalars()
    )


def _themed(themes: list[Theme], status: str | None = None) -> set[int]:
    return {m.answer_id for t in themes if status in (None, t.status) for m in t.members}


def _open(workshop_id: int) -> Workshop:
    workshop = workshop_by_id(workshop_id)
    if workshop.phase == Phase.ENDED:
        raise TransitionError(NO_THEMES_IN_ENDED)
    return workshop


def _group(texts: list[str], granularity: float) -> list[Group]:
    return default_engine().group(texts, granularity=granularity)


def _grouped(texts: list[str], granularity: float) -> list[Group]:
    """Group texts in a worker thread: a second of numpy must not stall every socket."""
    if not texts:
        return []
    # No transaction stays open (nor a pooled connection idle in one) while it runs;
    # whatever the session read before is stale after the wait anyway.
    db.session.rollback()
    return off_loop(_group, texts, granularity)


# ---------------------------------------------------------------- suggesting


def suggest(workshop_id: int, scope_key: str, granularity: float = 0.0) -> list[Theme]:
    """Suggest themes for the scope's answers that no accepted theme holds; return the scope's.

    The scope's earlier suggestions give way to the new ones. A lone answer is no
    theme: it stays "not yet in a theme".
    """
    scope = rules.parse_scope(scope_key)
    workshop = _open(workshop_id)
    accepted = _themed(scope_themes(workshop_id, scope.key), ACCEPTED)
    answers = [a for a in groupable(workshop, scope) if a.id not in accepted]
    ids = [a.id for a in answers]
    groups = _grouped([a.text for a in answers], granularity)
    found = [(g.label, [ids[i] for i in g.members]) for g in groups if len(g.members) > 1]
    return _store_suggestions(workshop_id, scope, found)


@writes
def _store_suggestions(
    workshop_id: int, scope: Scope, groups: list[tuple[str, list[int]]]
) -> list[Theme]:
    workshop = _locked(workshop_id)
    themes = scope_themes(workshop_id, scope.key)
    for theme in themes:
        if theme.status == SUGGESTED:
            db.session.delete(theme)
    db.session.flush()  # the old suggestions' members go before the new ones take their answers
    kept = [t for t in themes if t.status == ACCEPTED]
    # Answers that changed while the engine ran (hidden, merged, deleted, accepted) stay out.
    free = {a.id for a in groupable(workshop, scope)} - _themed(kept)
    room = rules.THEMES_MAX - len(kept)
    for label, members in groups[: max(room, 0)]:
        answer_ids = [answer_id for answer_id in members if answer_id in free]
        if len(answer_ids) > 1:
            _new_theme(workshop_id, scope.key, rules.short_label(label), SUGGESTED, answer_ids)
    record(ThemesChanged(workshop_id, scope.key))
    db.session.commit()
    return scope_themes(workshop_id, scope.key)


def _locked(workshop_id: int) -> Workshop:
    """Return the workshop, refused once ended, its row locked on PostgreSQL until the commit:
    two consoles changing the same themes at once take turns."""
    workshop = db.session.get(Workshop, workshop_id, with_for_update=True)
    if workshop is None:
        raise NotFound("That workshop does not exist.")
    if workshop.phase == Phase.ENDED:
        raise TransitionError(NO_THEMES_IN_ENDED)
    return workshop


def _new_theme(
    workshop_id: int, scope_key: str, label: str, status: str, answer_ids: list[int]
) -> Theme:
    theme = Theme(workshop_id=workshop_id, scope=scope_key, label=label, status=status)
    theme.members = [
        ThemeMember(workshop_id=workshop_id, scope=scope_key, answer_id=answer_id)
        for answer_id in answer_ids
    ]
    db.session.add(theme)
    return theme


def fit(workshop_id: int, scope_key: str) -> list[Offer]:
    """Offer the scope's answers that are in no theme to the accepted theme each fits, if any.

    The accepted themes' answers and the new ones are grouped together; a new answer
    that lands among answers mostly of one theme fits it. Nothing is changed: the
    facilitator adds the answers, or not.
    """
    scope = rules.parse_scope(scope_key)
    workshop = _open(workshop_id)
    themes = scope_themes(workshop_id, scope.key)
    answers = {a.id: a for a in groupable(workshop, scope)}
    themed = _themed(themes)
    loose = [answer_id for answer_id in answers if answer_id not in themed]
    owners = [(m.answer_id, t.id) for t in themes if t.status == ACCEPTED for m in t.members]
    owners = [(answer_id, theme_id) for answer_id, theme_id in owners if answer_id in answers]
    if not loose or not owners:
        return []
    order = [answer_id for answer_id, _ in owners] + loose
    owner_of = dict(owners)
    texts = [answers[answer_id].text for answer_id in order]
    groups = _grouped(texts, FIT_GRANULARITY)
    offers: dict[int, list[int]] = defaultdict(list)
    for group in groups:
        members = [order[i] for i in group.members]
        votes = Counter(owner_of[a] for a in members if a in owner_of)
        new = [a for a in members if a not in owner_of]
        if not votes or not new:
            continue
        theme_id, most = votes.most_common(1)[0]
        if most * 2 > sum(votes.values()):
            offers[theme_id].extend(new)
    return [Offer(theme_id, sorted(ids)) for theme_id, ids in sorted(offers.items())]


# ---------------------------------------------------------------- the facilitator's decisions


def _theme(workshop_id: int, theme_id: int) -> Theme:
    theme = db.session.get(Theme, theme_id)
    if theme is None or theme.workshop_id != workshop_id:
        raise NotFound("That theme does not exist any more.")
    return theme


@writes
def accept(workshop_id: int, theme_id: int) -> Theme:
    """Keep a suggested theme: suggesting again leaves it and its answers alone."""
    _locked(workshop_id)
    theme = _theme(workshop_id, theme_id)
    if theme.status != ACCEPTED:
        theme.status = ACCEPTED
        record(ThemesChanged(workshop_id, theme.scope))
    db.session.commit()
    return theme


@writes
def rename(workshop_id: int, theme_id: int, label: str) -> Theme:
    """Give a theme the facilitator's own name for it."""
    name = rules.label_text(label)
    _locked(workshop_id)
    theme = _theme(workshop_id, theme_id)
    if theme.label != name:
        theme.label = name
        _record_with_pins(theme)
    db.session.commit()
    return theme


@writes
def dismiss(workshop_id: int, theme_id: int) -> str:
    """Take a theme away; its answers are in no theme again. Return its scope."""
    _locked(workshop_id)
    theme = _theme(workshop_id, theme_id)
    _record_with_pins(theme)
    db.session.delete(theme)
    db.session.commit()
    return theme.scope


@writes
def merge(workshop_id: int, theme_id: int, into_id: int) -> Theme:
    """Put one theme's answers into another of the same scope; the first one goes."""
    _locked(workshop_id)
    theme, into = _theme(workshop_id, theme_id), _theme(workshop_id, into_id)
    if theme.id == into.id:
        raise ValidationError("A theme cannot be merged into itself.")
    if theme.scope != into.scope:
        raise ValidationError("Only themes of the same answers can be merged.")
    answer_ids = [m.answer_id for m in theme.members]
    fields = [pin.field for pin in _pins_of(theme)]
    _record_with_pins(theme)
    db.session.delete(theme)
    db.session.flush()
    into.members.extend(
        ThemeMember(workshop_id=workshop_id, scope=into.scope, answer_id=answer_id)
        for answer_id in answer_ids
    )
    if theme.status == ACCEPTED:
        into.status = ACCEPTED
    # The canvas keeps what it drew on: where the first theme was pinned, the merged one is.
    pinned = {pin.field for pin in _pins_of(into)}
    for field in fields:
        if field not in pinned:
            db.session.add(ThemePin(workshop_id=workshop_id, field=field, theme_id=into.id))
    _record_with_pins(into, fields)
    db.session.commit()
    return into


def split(workshop_id: int, theme_id: int) -> list[Theme]:
    """Split a theme into the finer themes its answers make; return the scope's themes.

    The largest part keeps the theme's name and place; each other part of two or more
    answers becomes a theme of the same standing, and lone answers stay where they were.
    The grouping runs off the loop, outside any write; what changed meanwhile is checked.
    """
    workshop = _open(workshop_id)
    theme = _theme(workshop_id, theme_id)
    scope = rules.parse_scope(theme.scope)
    shown = {a.id: a for a in groupable(workshop, scope)}
    members = [m.answer_id for m in theme.members if m.answer_id in shown]
    texts = [shown[a].text for a in members]
    parts: list[tuple[str, list[int]]] = []
    for granularity in SPLIT_GRANULARITIES:
        groups = _grouped(texts, granularity)
        parts = [(g.label, [members[i] for i in g.members]) for g in groups]
        if sum(len(ids) > 1 for _, ids in parts) > 1:
            break
    return _store_split(workshop_id, theme_id, parts)


@writes
def _store_split(
    workshop_id: int, theme_id: int, parts: list[tuple[str, list[int]]]
) -> list[Theme]:
    _locked(workshop_id)
    theme = _theme(workshop_id, theme_id)
    current = {m.answer_id: m for m in theme.members}
    # The first part is the largest (engines give them largest first): it stays.
    others = [(label, [a for a in ids if a in current]) for label, ids in parts[1:]]
    others = [(label, ids) for label, ids in others if len(ids) > 1]
    if not others:
        raise ValidationError(
            "These answers are too alike to split. Move the ones that differ to another "
            "theme, or to a new one."
        )
    if len(scope_themes(workshop_id, theme.scope)) + len(others) > rules.THEMES_MAX:
        raise ValidationError(f"A question holds at most {rules.THEMES_MAX} themes.")
    for _, ids in others:
        for answer_id in ids:
            theme.members.remove(current[answer_id])
    db.session.flush()
    for label, ids in others:
        _new_theme(workshop_id, theme.scope, rules.short_label(label), theme.status, ids)
    _record_with_pins(theme)
    db.session.commit()
    return scope_themes(workshop_id, theme.scope)


@writes
def move(
    workshop_id: int,
    scope_key: str,
    answer_ids: list[int],
    theme_id: int | None = None,
    label: str | None = None,
) -> list[Theme]:
    """Move answers into a theme of the scope, into a new one named `label`, or (neither)
    out of every theme; return the scope's themes."""
    scope = rules.parse_scope(scope_key)
    if not answer_ids:
        raise ValidationError("Choose the answers to move.")
    if len(answer_ids) > rules.MOVE_MAX:
        raise ValidationError(f"Move at most {rules.MOVE_MAX} answers at a time.")
    if theme_id is not None and label is not None:
        raise ValidationError("Move the answers to a theme, or to a new one, not both.")
    workshop = _locked(workshop_id)
    target = _theme(workshop_id, theme_id) if theme_id is not None else None
    if target is not None and target.scope != scope.key:
        raise ValidationError("That theme gathers other answers.")
    name = rules.label_text(label) if label is not None else None
    shown = {a.id for a in groupable(workshop, scope)}
    wanted = list(dict.fromkeys(answer_ids))
    if any(answer_id not in shown for answer_id in wanted):
        raise NotFound("One of those answers cannot be in a theme: hidden, merged or gone.")
    themes = scope_themes(workshop_id, scope.key)
    if name is not None and len(themes) >= rules.THEMES_MAX:
        raise ValidationError(f"A question holds at most {rules.THEMES_MAX} themes.")
    moving = set(wanted)
    for theme in themes:
        if theme is target:
            continue
        leaving = [m for m in theme.members if m.answer_id in moving]
        for member in leaving:
            theme.members.remove(member)
        if leaving:
            _record_with_pins(theme)
    db.session.flush()
    if name is not None:
        _new_theme(workshop_id, scope.key, name, ACCEPTED, wanted)
    elif target is not None:
        have = {m.answer_id for m in target.members}
        target.members.extend(
            ThemeMember(workshop_id=workshop_id, scope=scope.key, answer_id=answer_id)
            for answer_id in wanted
            if answer_id not in have
        )
        _record_with_pins(target)
    record(ThemesChanged(workshop_id, scope.key))
    db.session.commit()
    return scope_themes(workshop_id, scope.key)


@writes
def pin(workshop_id: int, field: str, theme_id: int, pinned: bool) -> Theme:
    """Pin a theme to a canvas field as one source (accepting it), or unpin it."""
    workshop = _locked(workshop_id)
    if workshop.phase != Phase.SYNTHESIS:
        raise TransitionError("Open the synthesis to work on the canvas.")
    live = canvas.fields(workshop).get(field)
    if live is None:
        raise NotFound(f"This canvas has no field '{field}'.")
    theme = _theme(workshop_id, theme_id)
    existing = db.session.execute(
        db.select(ThemePin).filter_by(workshop_id=workshop_id, field=field, theme_id=theme.id)
    ).scalar_one_or_none()
    if pinned and existing is None:
        db.session.add(ThemePin(workshop_id=workshop_id, field=field, theme_id=theme.id))
        theme.status = ACCEPTED
    elif not pinned and existing is not None:
        db.session.delete(existing)
    else:
        db.session.commit()
        return theme
    record(ThemesChanged(workshop_id, theme.scope))
    record(FieldChanged(workshop_id, live, pins_only=True))
    db.session.commit()
    return theme


def _pins_of(theme: Theme) -> list[ThemePin]:
    return list(db.session.execute(db.select(ThemePin).filter_by(theme_id=theme.id)).scalars())


def _record_with_pins(theme: Theme, extra_fields: list[str] | None = None) -> None:
    """Record that the theme changed, and so did every canvas field it is pinned to."""
    record(ThemesChanged(theme.workshop_id, theme.scope))
    fields = {pin.field for pin in _pins_of(theme)} | set(extra_fields or ())
    if not fields:
        return
    live = canvas.fields(db.session.get(Workshop, theme.workshop_id))  # type: ignore[arg-type]
    for key in sorted(fields):
        if key in live:
            record(FieldChanged(theme.workshop_id, live[key], pins_only=True))
