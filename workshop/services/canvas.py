"""Reading the live canvas of a workshop: its fields, pins, reactions and document."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from .. import canvas as rules
from ..extensions import db
from ..method import get_method
from ..models import Answer, CanvasField, Pin, Reaction, Workshop


def fields(workshop: Workshop) -> dict[str, CanvasField]:
    """Return the workshop's canvas fields by key, creating any that are missing."""
    have = {f.key: f for f in workshop.canvas_fields}
    missing = [f.key for f in get_method(workshop.method_key).fields if f.key not in have]
    for key in missing:
        field = CanvasField(key=key, statement="", version=0)
        if key == "values":
            field.items = {"ours": [], "shared": []}
        workshop.canvas_fields.append(field)
        have[key] = field
    if missing:
        db.session.flush()
    return have


def pins(workshop_id: int) -> dict[str, list[Answer]]:
    """Return the answers pinned to each field, oldest pin first."""
    rows = db.session.execute(
        db.select(Pin)
        .filter_by(workshop_id=workshop_id)
        .options(joinedload(Pin.answer).joinedload(Answer.question))
        .order_by(Pin.id)
    ).scalars()
    pinned: dict[str, list[Answer]] = defaultdict(list)
    for pin in rows:
        pinned[pin.field].append(pin.answer)
    return pinned


def tallies(workshop_id: int, only: str | None = None) -> dict[str, dict[str, int]]:
    """Return {field: {"agree": n, "concern": n}} for every field with reactions (or `only` one)."""
    counted: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(rules.REACTIONS, 0))
    query = db.select(Reaction.field, Reaction.kind, func.count(Reaction.id)).where(
        Reaction.workshop_id == workshop_id
    )
    if only is not None:
        # One field's rows: a room reacting at once would otherwise count the whole canvas.
        query = query.where(Reaction.field == only)
    for field, kind, count in db.session.execute(query.group_by(Reaction.field, Reaction.kind)):
        counted[field][kind] = count
    return dict(counted)


def tally(workshop_id: int, field: str) -> dict[str, int]:
    return tallies(workshop_id, only=field).get(field, dict.fromkeys(rules.REACTIONS, 0))


def _source(answer: Answer) -> dict[str, Any]:
    source: dict[str, Any] = {
        "answer_id": answer.id,
        "question": answer.question.prompt,
        "text": answer.text,
    }
    # Only when true: a document sealed before hiding existed compares equal to today's.
    if answer.hidden:
        source["hidden"] = True
    return source


def _hidden_now(workshop_id: int, answer_ids: set[int]) -> dict[int, bool]:
    """Return whether each of these answers, where it still exists, is hidden now."""
    if not answer_ids:
        return {}
    rows = db.session.execute(
        db.select(Answer.id, Answer.hidden).where(
            Answer.workshop_id == workshop_id, Answer.id.in_(answer_ids)
        )
    )
    return {answer_id: hidden for answer_id, hidden in rows}


def marking_hidden(workshop: Workshop, doc: rules.Document, *, public: bool) -> rules.Document:
    """Return `doc` with its hidden sources marked as hidden, or left out when `public`.

    Hidden is what the answer is now (moderated, or by a removed participant), so an
    answer hidden after a version was sealed leaves that version's public page too;
    the mark sealed with it counts only for an answer deleted since. What the room or
    the public sees (a share page, an exported file) is `public`; only the
    facilitator's own canvas lists hidden sources, marked.
    """
    ids = {
        source["answer_id"]
        for field in doc["fields"]
        for source in field.get("sources", [])
        if isinstance(source.get("answer_id"), int)
    }
    now = _hidden_now(workshop.id, ids)

    def is_hidden(source: dict[str, Any]) -> bool:
        return now.get(source.get("answer_id"), bool(source.get("hidden")))  # type: ignore[arg-type]

    fields = []
    for field in doc["fields"]:
        sources = []
        for source in field.get("sources", []):
            hidden = is_hidden(source)
            if hidden and public:
                continue
            kept = {k: v for k, v in source.items() if k != "hidden"}
            sources.append({**kept, "hidden": True} if hidden else kept)
        fields.append({**field, "sources": sources})
    return {**doc, "fields": fields}


def field_document(
    field: CanvasField, label: str, summary: str, sources: list[Answer]
) -> dict[str, Any]:
    """Return one field as the canvas document holds it."""
    doc: dict[str, Any] = {
        "key": field.key,
        "label": label,
        "summary": summary,
        "statement": field.statement,
        "sources": [_source(a) for a in sources],
    }
    if field.key == "purpose":
        doc["purpose"] = field.purpose
    if field.key == "values":
        items = field.items or {}
        doc["values"] = {facet: list(items.get(facet, [])) for facet in rules.VALUE_FACETS}
    return doc


def document(workshop: Workshop) -> rules.Document:
    """Return the whole canvas as a document: what a version seals and exports carry."""
    method = get_method(workshop.method_key)
    live = fields(workshop)
    pinned = pins(workshop.id)
    return {
        "schema": rules.SCHEMA,
        "workshop": {
            "title": workshop.title,
            "organisation": workshop.organisation,
            "method": method.name,
        },
        "fields": [
            field_document(live[f.key], f.label, f.summary, pinned.get(f.key, []))
            for f in method.fields
        ],
    }
