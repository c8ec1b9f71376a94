"""Reading the live canvas of a workshop: its fields, pins, reactions and document."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from .. import canvas as rules
from ..extensions import db
from ..method import get_method
from ..models import Answer, CanvasField, Pin, Reaction, Theme, ThemeMember, ThemePin, Workshop


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


def _by_field(workshop_id: int, model: type[Pin] | type[ThemePin], load: Any, attr: str) -> Any:
    """Return what is pinned to each field (`attr` of each pin row), oldest pin first."""
    rows = db.session.execute(
        db.select(model).filter_by(workshop_id=workshop_id).options(load).order_by(model.id)
    ).scalars()
    pinned: dict[str, list[Any]] = defaultdict(list)
    for pin in rows:
        pinned[pin.field].append(getattr(pin, attr))
    return pinned


def pins(workshop_id: int) -> dict[str, list[Answer]]:
    """Return the answers pinned to each field, oldest pin first."""
    load = joinedload(Pin.answer).joinedload(Answer.question)
    return _by_field(workshop_id, Pin, load, "answer")  # type: ignore[no-any-return]


def theme_pins(workshop_id: int) -> dict[str, list[Theme]]:
    """Return the themes pinned to each field, oldest pin first."""
    load = (
        selectinload(ThemePin.theme)
        .selectinload(Theme.members)
        .selectinload(ThemeMember.answer)
        .joinedload(Answer.question)
    )
    return _by_field(workshop_id, ThemePin, load, "theme")  # type: ignore[no-any-return]


def theme_pin_ids(workshop_id: int) -> dict[str, list[int]]:
    """Return the ids of the themes pinned to each field, oldest pin first."""
    rows = db.session.execute(
        db.select(ThemePin.field, ThemePin.theme_id)
        .filter_by(workshop_id=workshop_id)
        .order_by(ThemePin.id)
    )
    found: dict[str, list[int]] = defaultdict(list)
    for field, theme_id in rows:
        found[field].append(theme_id)
    return dict(found)


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


def _sources_of(doc: rules.Document) -> list[dict[str, Any]]:
    """Return every source the document holds: fields' pins, pinned themes', themes'."""
    found = []
    for field in doc["fields"]:
        found += field.get("sources", [])
        for theme in field.get("themes", []):
            found += theme.get("sources", [])
    for theme in doc.get("themes", []):
        found += theme.get("sources", [])
    for field in doc["fields"]:
        for vote in field.get("votes", []):
            found += [item for item in vote["items"] if "answer_id" in item]
    return found


def marking_hidden(workshop: Workshop, doc: rules.Document, *, public: bool) -> rules.Document:
    """Return `doc` with its hidden sources marked as hidden, or left out when `public`.

    Hidden is what the answer is now (moderated, or by a removed participant), so an
    answer hidden after a version was sealed leaves that version's public page too;
    the mark sealed with it counts only for an answer deleted since. What the room or
    the public sees (a share page, an exported file) is `public`; only the
    facilitator's own canvas lists hidden sources, marked. The answers of themes are
    sources too.
    """
    ids = {s["answer_id"] for s in _sources_of(doc) if isinstance(s.get("answer_id"), int)}
    now = _hidden_now(workshop.id, ids)

    def is_hidden(source: dict[str, Any]) -> bool:
        return now.get(source.get("answer_id"), bool(source.get("hidden")))  # type: ignore[arg-type]

    def marked(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = []
        for source in sources:
            hidden = is_hidden(source)
            if hidden and public:
                continue
            plain = {k: v for k, v in source.items() if k != "hidden"}
            kept.append({**plain, "hidden": True} if hidden else plain)
        return kept

    def themes(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**theme, "sources": marked(theme.get("sources", []))} for theme in found]

    def votes(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # The public never sees results the facilitator keeps for the close, nor the
        # words of an answer hidden since; the facilitator's own page marks them.
        kept = []
        for vote in found:
            if public and vote.get("results_hidden"):
                continue
            kept.append({**vote, "items": marked(vote["items"])})
        return kept

    fields = []
    for field in doc["fields"]:
        fixed = {**field, "sources": marked(field.get("sources", []))}
        if "themes" in field:
            fixed["themes"] = themes(field["themes"])
        if "votes" in field:
            fixed["votes"] = votes(field["votes"])
            if not fixed["votes"]:  # as a field without votes reads
                del fixed["votes"]
        fields.append(fixed)
    out = {**doc, "fields": fields}
    if "themes" in doc:
        out["themes"] = themes(doc["themes"])
    return out


def theme_document(theme: Theme, scope_label: str | None = None) -> dict[str, Any]:
    """Return a theme as the canvas document holds it: its name and its answers."""
    doc: dict[str, Any] = {"theme_id": theme.id, "label": theme.label}
    if scope_label is not None:
        doc["gathers"] = scope_label
    doc["sources"] = [_source(m.answer) for m in theme.members]
    return doc


def scope_label(workshop: Workshop, scope: str) -> str:
    kind, _, value = scope.partition(":")
    if kind == "question":
        for question in workshop.questions:
            if str(question.id) == value:
                return f"Question {question.position + 1}: {question.prompt}"
        return "A question"
    spec = next((f for f in get_method(workshop.method_key).fields if f.key == value), None)
    return f"Every question feeding {spec.label}" if spec else "A canvas field"


def accepted_themes(workshop: Workshop) -> list[dict[str, Any]]:
    """Return the workshop's accepted themes, largest first, as the document holds them."""
    rows = db.session.execute(
        db.select(Theme)
        .filter_by(workshop_id=workshop.id, status="accepted")
        .options(
            selectinload(Theme.members).selectinload(ThemeMember.answer).joinedload(Answer.question)
        )
        .order_by(Theme.id)
    ).scalars()
    found = [theme_document(t, scope_label(workshop, t.scope)) for t in rows]
    return sorted(found, key=lambda t: -len(t["sources"]))


def vote_documents(workshop_id: int) -> dict[str, list[dict[str, Any]]]:
    """Return each field's dot votes with their results, oldest first, as documents hold them.

    An item of a vote on answers names its answer (`answer_id`), so that it leaves the
    public documents once the answer is hidden, like a source; a vote still open whose
    results the facilitator keeps for the close says so (`results_hidden`).
    """
    from . import votes  # votes reads themes, which reads this module

    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for vote in votes.all_votes(workshop_id):
        ranked, voters = votes.results(vote)
        doc: dict[str, Any] = {
            "vote_id": vote.id,
            "title": vote.title,
            "kind": vote.kind,
            "status": vote.status,
            "dots_each": vote.dots,
            "voters": voters,
            "items": [
                {
                    "label": r.item.label,
                    "dots": r.dots,
                    **({"answer_id": r.item.ref_id} if vote.kind == "answers" else {}),
                }
                for r in ranked
            ],
        }
        if vote.results_hidden and vote.status == "open":
            doc["results_hidden"] = True
        found[vote.field].append(doc)
    return found


def field_document(
    field: CanvasField,
    label: str,
    summary: str,
    sources: list[Answer],
    themes: list[Theme] | None = None,
    votes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return one field as the canvas document holds it; pinned themes only when there are."""
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
    # Only when some are: a document sealed before themes existed compares equal to today's.
    if themes:
        doc["themes"] = [theme_document(theme) for theme in themes]
    if votes:
        doc["votes"] = votes
    return doc


def document(workshop: Workshop) -> rules.Document:
    """Return the whole canvas as a document: what a version seals and exports carry."""
    method = get_method(workshop.method_key)
    live = fields(workshop)
    pinned = pins(workshop.id)
    pinned_themes = theme_pins(workshop.id)
    voted = vote_documents(workshop.id)
    doc: rules.Document = {
        "schema": rules.SCHEMA,
        "workshop": {
            "title": workshop.title,
            "organisation": workshop.organisation,
            "method": method.name,
        },
        "fields": [
            field_document(
                live[f.key],
                f.label,
                f.summary,
                pinned.get(f.key, []),
                pinned_themes.get(f.key),
                voted.get(f.key),
            )
            for f in method.fields
        ],
    }
    themes = accepted_themes(workshop)
    if themes:
        doc["themes"] = themes
    return doc
