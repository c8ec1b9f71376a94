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


def field_document(
    field: CanvasField, label: str, summary: str, sources: list[Answer]
) -> dict[str, Any]:
    """Return one field as the canvas document holds it."""
    doc: dict[str, Any] = {
        "key": field.key,
        "label": label,
        "summary": summary,
        "statement": field.statement,
        "sources": [
            {"answer_id": a.id, "question": a.question.prompt, "text": a.text} for a in sources
        ],
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
