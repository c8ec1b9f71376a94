"""How themes look to the console (all of them, to work on) and the projector (accepted ones)."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import Answer, Participant, Theme, ThemePin, Workshop
from ..services.themes import scope_themes, workshop_themes
from ..themes import ACCEPTED

Payload = dict[str, Any]
# The projector shows a few answers of each theme, the facilitator reads them out.
SAMPLES = 3


def _pinned_to(workshop_id: int) -> dict[int, list[str]]:
    rows = db.session.execute(
        db.select(ThemePin.theme_id, ThemePin.field)
        .filter_by(workshop_id=workshop_id)
        .order_by(ThemePin.id)
    )
    found: dict[int, list[str]] = {}
    for theme_id, field in rows:
        found.setdefault(theme_id, []).append(field)
    return found


def _console_theme(theme: Theme, pinned: dict[int, list[str]]) -> Payload:
    return {
        "id": theme.id,
        "scope": theme.scope,
        "label": theme.label,
        "status": theme.status,
        "answers": [m.answer_id for m in theme.members],
        "pinned_to": pinned.get(theme.id, []),
    }


def console_themes(workshop_id: int) -> list[Payload]:
    """Return every theme of the workshop as the console shows it, oldest first."""
    pinned = _pinned_to(workshop_id)
    return [_console_theme(t, pinned) for t in workshop_themes(workshop_id)]


def scope_view(workshop_id: int, scope: str) -> Payload:
    """Return one scope's themes for the console, after a change to them."""
    pinned = _pinned_to(workshop_id)
    return {
        "scope": scope,
        "themes": [_console_theme(t, pinned) for t in scope_themes(workshop_id, scope)],
    }


def screen_themes(workshop: Workshop) -> Payload | None:
    """Return the projector's themes view of the current question, when it shows one.

    Accepted themes only, largest first, each with how many of the answers on show it
    holds and a few of them; hidden answers and removed people's are not counted.
    """
    question = workshop.current_question
    if question is None or question.show_as != "themes" or not question.revealed:
        return None
    shown = dict(
        db.session.execute(
            db.select(Answer.id, Answer.text)
            .join(Participant, Participant.id == Answer.participant_id)
            .where(
                Answer.question_id == question.id,
                Answer.hidden.is_(False),
                Answer.merged_into_id.is_(None),  # a merged answer counts in the one it joined
                Participant.removed_at.is_(None),
            )
            .order_by(Answer.id)
        ).all()
    )
    themes = []
    themed: set[int] = set()
    for theme in scope_themes(workshop.id, f"question:{question.id}"):
        if theme.status != ACCEPTED:
            continue
        members = [m.answer_id for m in theme.members if m.answer_id in shown]
        themed.update(members)
        themes.append(
            {
                "id": theme.id,
                "label": theme.label,
                "count": len(members),
                "samples": [{"id": a, "text": shown[a]} for a in members[:SAMPLES]],
            }
        )
    themes.sort(key=lambda t: (-t["count"], t["id"]))
    return {
        "question_id": question.id,
        "answers": len(shown),
        "unthemed": len(shown) - len(themed),
        "themes": themes,
    }
