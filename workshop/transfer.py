"""A whole workshop as one JSON file, to move it to another server.

The file holds the workshop, its questions, participants, answers, reactions,
live canvas, pins, themes (and their pins), dot votes (and their dots) and sealed
versions. Ids are the
file's own; importing gives everything new ids, a new join code and a new
projector link, and no share link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from . import votes as vote_rules
from .canvas import (
    REACTIONS,
    STATEMENT_MAX,
    VALUE_FACETS,
    purpose_kind,
    statement_text,
    value_items,
)
from .canvas import SCHEMA as CANVAS_SCHEMA
from .codes import new_join_code, new_token
from .errors import ValidationError
from .extensions import db
from .method import METHODS, Section
from .models import (
    Answer,
    CanvasField,
    CanvasVersion,
    Dot,
    Participant,
    Pin,
    Question,
    Reaction,
    Theme,
    ThemeMember,
    ThemePin,
    Vote,
    VoteItem,
    Workshop,
    utcnow,
)
from .phases import Phase
from .services.transactions import writes
from .text import (
    ANSWER_MAX,
    NAME_MAX,
    ORGANISATION_MAX,
    TITLE_MAX,
    encodable,
    optional_text,
    required_text,
)
from .themes import STATUSES, THEMES_MAX, label_text
from .urls import ID_MAX

FORMAT = "workshop-export/1"


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_workshop(workshop: Workshop) -> dict[str, Any]:
    """Return everything about the workshop as JSON-ready data."""
    answers = db.session.execute(
        db.select(Answer).filter_by(workshop_id=workshop.id).order_by(Answer.id)
    ).scalars()
    reactions = db.session.execute(
        db.select(Reaction).filter_by(workshop_id=workshop.id).order_by(Reaction.id)
    ).scalars()
    pins = db.session.execute(
        db.select(Pin).filter_by(workshop_id=workshop.id).order_by(Pin.id)
    ).scalars()
    themes, theme_pins = _export_themes(workshop)
    votes, dots = _export_votes(workshop, {t["id"] for t in themes})
    return {
        "format": FORMAT,
        "workshop": {
            "title": workshop.title,
            "organisation": workshop.organisation,
            "method": workshop.method_key,
            "phase": workshop.phase,
            "position": workshop.position,
            "answering_open": workshop.answering_open,
            "created_at": _time(workshop.created_at),
            "started_at": _time(workshop.started_at),
            "ended_at": _time(workshop.ended_at),
            # The vote every screen shows now, if it is one of the file's.
            "vote": workshop.vote_id if workshop.vote_id in {v["id"] for v in votes} else None,
        },
        "questions": [
            {
                "position": q.position,
                "key": q.key,
                "section": q.section,
                "prompt": q.prompt,
                "hint": q.hint,
                "field": q.field,
                "facet": q.facet,
                "revealed": q.revealed,
            }
            for q in workshop.questions
        ],
        "participants": [
            {"id": p.id, "name": p.name, "joined_at": _time(p.joined_at)}
            for p in workshop.participants
        ],
        "answers": [
            {
                "id": a.id,
                "question": a.question.position,
                "participant": a.participant_id,
                "text": a.text,
                "hidden": a.hidden,
                "merged_into": a.merged_into_id,
                "client_key": a.client_key,
                "created_at": _time(a.created_at),
                "updated_at": _time(a.updated_at),
            }
            for a in answers
        ],
        "reactions": [
            {"participant": r.participant_id, "field": r.field, "kind": r.kind} for r in reactions
        ],
        "canvas": [
            {
                "key": f.key,
                "statement": f.statement,
                "purpose": f.purpose,
                "items": f.items,
                "version": f.version,
            }
            for f in workshop.canvas_fields
        ],
        "pins": [{"field": p.field, "answer": p.answer_id} for p in pins],
        "themes": themes,
        "theme_pins": theme_pins,
        "votes": votes,
        "dots": dots,
        "versions": [
            {"number": v.number, "sealed_at": _time(v.sealed_at), "document": v.document}
            for v in workshop.versions
        ],
    }


def _export_themes(workshop: Workshop) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the live themes and their pins; a question scope names the question's position."""
    positions = {q.id: q.position for q in workshop.questions}
    themes = db.session.execute(
        db.select(Theme).filter_by(workshop_id=workshop.id).order_by(Theme.id)
    ).scalars()
    listed, kept = [], set()
    for theme in themes:
        kind, _, value = theme.scope.partition(":")
        if kind == "question":
            if not value.isdigit() or int(value) not in positions:
                continue  # a theme of a question that is gone gathers nothing
            value = str(positions[int(value)])
        kept.add(theme.id)
        listed.append(
            {
                "id": theme.id,
                "scope": f"{kind}:{value}",
                "label": theme.label,
                "status": theme.status,
                "members": [m.answer_id for m in theme.members],
            }
        )
    pins = db.session.execute(
        db.select(ThemePin).filter_by(workshop_id=workshop.id).order_by(ThemePin.id)
    ).scalars()
    return listed, [{"field": p.field, "theme": p.theme_id} for p in pins if p.theme_id in kept]


def _export_votes(
    workshop: Workshop, themes: set[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the live votes and their dots; an item's `ref` is a theme or answer of the file.

    The dots of people the facilitator removed are left out, as the results leave them out.
    """
    answers = set(
        db.session.execute(db.select(Answer.id).filter_by(workshop_id=workshop.id)).scalars()
    )
    votes = db.session.execute(
        db.select(Vote).filter_by(workshop_id=workshop.id).order_by(Vote.id)
    ).scalars()
    listed = []
    for vote in votes:
        refs = {"themes": themes, "answers": answers}.get(vote.kind, set())
        listed.append(
            {
                "id": vote.id,
                "title": vote.title,
                "kind": vote.kind,
                "field": vote.field,
                "dots": vote.dots,
                "stack": vote.stack,
                "status": vote.status,
                "results_hidden": vote.results_hidden,
                "created_at": _time(vote.created_at),
                "closed_at": _time(vote.closed_at),
                "items": [
                    {
                        "id": item.id,
                        "label": item.label,
                        "ref": item.ref_id if item.ref_id in refs else None,
                    }
                    for item in vote.items
                ],
            }
        )
    dots = db.session.execute(
        db.select(Dot)
        .join(Vote, Vote.id == Dot.vote_id)
        .join(Participant, Participant.id == Dot.participant_id)
        .where(Vote.workshop_id == workshop.id, Participant.removed_at.is_(None))
        .order_by(Dot.id)
    ).scalars()
    return listed, [
        {"vote": d.vote_id, "item": d.item_id, "participant": d.participant_id, "count": d.count}
        for d in dots
    ]


# Bounds on what one file may hold: far above a real day's workshop, low enough
# that a crafted file cannot make one import take the server's memory or minutes.
MOST = {
    "questions": 100,
    "participants": 5_000,
    "answers": 50_000,
    "reactions": 50_000,
    "canvas": 50,
    "pins": 10_000,
    "themes": 10_000,
    "theme_pins": 10_000,
    "votes": 1_000,
    "dots": 50_000,
    "versions": 500,
}
# Keys a file may leave out: files written before themes (or votes) existed have none.
_OPTIONAL_LISTS = frozenset({"themes", "theme_pins", "votes", "dots"})
_QUESTION_SCOPE = re.compile(r"question:(0|[1-9][0-9]{0,9})")
_FIELD_SCOPE = re.compile(r"field:([a-z_]{1,40})")
_SECTIONS = frozenset(section.value for section in Section)
_PHASES = frozenset(phase.value for phase in Phase)


class _Refused(Exception):
    """One thing wrong in the file, and where."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}")
        self.where, self.what = where, what


def _object(value: Any, where: str, keys: set[str], optional: set[str] = frozenset()) -> dict:  # type: ignore[assignment]
    """Return `value`, a JSON object holding `keys` (and perhaps `optional`), nothing else."""
    if not isinstance(value, dict):
        raise _Refused(where, "must be an object")
    missing = sorted(keys - value.keys())
    if missing:
        raise _Refused(where, f"'{missing[0]}' is missing")
    unknown = sorted(str(k) for k in value.keys() - keys - optional)
    if unknown:
        raise _Refused(where, f"unexpected field '{unknown[0][:40]}'")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Refused(where, "must be a list")
    if len(value) > MOST[where]:
        raise _Refused(where, f"holds {len(value)} items; the most is {MOST[where]}")
    return value


def _int(value: Any, where: str, low: int = 0, high: int = ID_MAX, *, null: bool = False) -> Any:
    if value is None and null:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Refused(where, "must be a whole number")
    if not low <= value <= high:
        raise _Refused(where, f"must be from {low} to {high}")
    return value


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _Refused(where, "must be true or false")
    return value


def _choice(value: Any, where: str, allowed: Iterable[str], *, null: bool = False) -> Any:
    if value is None and null:
        return None
    options = sorted(allowed)
    if not isinstance(value, str) or value not in options:
        raise _Refused(where, f"must be one of {', '.join(options)}")
    return value


def _moment(value: Any, where: str, *, null: bool = True) -> datetime | None:
    if value is None and null:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise _Refused(where, "must be a date and time (ISO 8601)")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Refused(where, "must be a date and time (ISO 8601)") from None
    if not 1970 <= moment.year <= 9000:  # also keeps the shift to UTC below in range
        raise _Refused(where, "must be a date between 1970 and 9000")
    # Stored as UTC without a zone, as everything else is.
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _text(value: Any, where: str, limit: int, *, multiline: bool = False) -> str:
    """Cleaned as the live product cleans what people type, or refused."""
    try:
        return required_text(value, label=where, limit=limit, multiline=multiline)
    except ValidationError as refused:
        raise _Refused(where, refused.message.removeprefix(where).strip(" .")) from None


def _optional(value: Any, where: str, limit: int) -> str | None:
    try:
        return optional_text(value, label=where, limit=limit)
    except ValidationError as refused:
        raise _Refused(where, refused.message.removeprefix(where).strip(" .")) from None


def _key(value: Any, where: str) -> str | None:
    """A client key: as the socket accepts it (no cleaning; it is compared, not shown)."""
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= 64:
        raise _Refused(where, "must be text of 1 to 64 characters, or null")
    try:
        return encodable(value, label=where)
    except ValidationError:
        raise _Refused(where, "holds an invalid character (a lone surrogate)") from None


def _unique(values: list[Any], where: str, what: str) -> None:
    seen: set[Any] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise _Refused(f"{where}[{index}]", f"repeats {what} {value!r}")
        seen.add(value)


def _canvas_rules(value: Any, where: str, run: Callable[[Any], Any]) -> Any:
    try:
        return run(value)
    except ValidationError as refused:
        raise _Refused(where, refused.message.rstrip(".")) from None


def _document(value: Any, where: str, fields: set[str]) -> dict[str, Any]:
    """A sealed canvas document, rebuilt from its checked and cleaned parts.

    The canvas pages and exports read it as services/canvas.py writes it.
    """
    doc = _object(value, where, {"schema", "fields"}, {"workshop", "themes"})
    if doc["schema"] != CANVAS_SCHEMA:
        raise _Refused(f"{where}.schema", f"must be {CANVAS_SCHEMA}")
    kept: dict[str, Any] = {"schema": CANVAS_SCHEMA}
    if "workshop" in doc:
        at = f"{where}.workshop"
        info = _object(doc["workshop"], at, {"title", "method"}, {"organisation"})
        kept["workshop"] = {
            "title": _text(info["title"], f"{at}.title", TITLE_MAX),
            "organisation": _optional(info.get("organisation"), f"{at}.organisation", 120),
            "method": _text(info["method"], f"{at}.method", 200),
        }
    if not isinstance(doc["fields"], list) or len(doc["fields"]) > MOST["canvas"]:
        raise _Refused(f"{where}.fields", f"must be a list of at most {MOST['canvas']} fields")
    kept["fields"] = []
    for index, item in enumerate(doc["fields"]):
        at = f"{where}.fields[{index}]"
        field = _object(
            item,
            at,
            {"key", "label", "statement"},
            {"summary", "sources", "purpose", "values", "themes", "votes"},
        )
        key = _choice(field["key"], f"{at}.key", fields)
        rebuilt: dict[str, Any] = {
            "key": key,
            "label": _text(field["label"], f"{at}.label", 120),
            "summary": _optional(field.get("summary"), f"{at}.summary", 600) or "",
            "statement": _canvas_rules(field["statement"], f"{at}.statement", _statement),
            "sources": [],
        }
        if key == "purpose":
            rebuilt["purpose"] = _canvas_rules(field.get("purpose"), f"{at}.purpose", _purpose)
        if key == "values":
            listed = _values(field.get("values"), f"{at}.values") or {}
            rebuilt["values"] = {facet: listed.get(facet, []) for facet in VALUE_FACETS}
        rebuilt["sources"] = _sources(field.get("sources", []), f"{at}.sources", MOST["pins"])
        # Only when some are, as services/canvas.py writes it.
        pinned = _document_themes(field.get("themes", []), f"{at}.themes", gathers=False)
        if pinned:
            rebuilt["themes"] = pinned
        voted = _document_votes(field.get("votes", []), f"{at}.votes")
        if voted:
            rebuilt["votes"] = voted
        kept["fields"].append(rebuilt)
    _unique([f["key"] for f in kept["fields"]], f"{where}.fields", "the field")
    accepted = _document_themes(doc.get("themes", []), f"{where}.themes", gathers=True)
    if accepted:
        kept["themes"] = accepted
    return kept


def _sources(value: Any, where: str, most: int) -> list[dict[str, Any]]:
    """A sealed list of cited answers, each rebuilt as services/canvas.py writes it."""
    if not isinstance(value, list) or len(value) > most:
        raise _Refused(where, f"must be a list of at most {most}")
    kept = []
    for number, source in enumerate(value):
        place = f"{where}[{number}]"
        source = _object(source, place, {"answer_id", "question", "text"}, {"hidden"})
        cited = {
            "answer_id": _int(source["answer_id"], f"{place}.answer_id", 1, 2**53),
            "question": _text(source["question"], f"{place}.question", 300),
            "text": _text(source["text"], f"{place}.text", ANSWER_MAX, multiline=True),
        }
        if "hidden" in source:
            cited["hidden"] = _bool(source["hidden"], f"{place}.hidden")
        kept.append(cited)
    return kept


def _label(value: Any, where: str) -> str:
    """A theme's name, cleaned as the live product cleans one, or refused."""
    if not isinstance(value, str):
        raise _Refused(where, "must be text")
    try:
        return label_text(value)
    except ValidationError as refused:
        raise _Refused(where, refused.message.rstrip(".")) from None


def _document_themes(value: Any, where: str, *, gathers: bool) -> list[dict[str, Any]]:
    """Sealed themes (a field's pinned ones, or the document's accepted ones), rebuilt."""
    if not isinstance(value, list) or len(value) > MOST["themes"]:
        raise _Refused(where, f"must be a list of at most {MOST['themes']} themes")
    kept = []
    for index, item in enumerate(value):
        at = f"{where}[{index}]"
        theme = _object(
            item, at, {"theme_id", "label"}, {"gathers", "sources"} if gathers else {"sources"}
        )
        rebuilt: dict[str, Any] = {
            "theme_id": _int(theme["theme_id"], f"{at}.theme_id", 1, 2**53),
            "label": _label(theme["label"], f"{at}.label"),
        }
        if "gathers" in theme:
            rebuilt["gathers"] = _text(theme["gathers"], f"{at}.gathers", 400)
        rebuilt["sources"] = _sources(theme.get("sources", []), f"{at}.sources", MOST["answers"])
        kept.append(rebuilt)
    _unique([t["theme_id"] for t in kept], where, "the theme")
    return kept


def _vote_title(value: Any, where: str, kind: str) -> str:
    """A vote's question, cleaned by the votes' rules (blank: the kind's own), or refused."""
    if not isinstance(value, str):
        raise _Refused(where, "must be text")
    return _canvas_rules(value, where, lambda text: vote_rules.title_text(text, kind))


def _item_label(value: Any, where: str, kind: str) -> str:
    """A vote item's words: a theme's name or an answer (bounded as answers), or a statement."""
    limit = STATEMENT_MAX if kind == "statements" else ANSWER_MAX
    return _text(value, where, limit, multiline=True)


def _item_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list) or not (
        vote_rules.ITEMS_MIN <= len(value) <= vote_rules.ITEMS_MAX
    ):
        raise _Refused(
            where,
            f"must be a list of {vote_rules.ITEMS_MIN} to {vote_rules.ITEMS_MAX} items",
        )
    return value


def _document_votes(value: Any, where: str) -> list[dict[str, Any]]:
    """A sealed field's dot votes with their results, rebuilt as services/canvas.py writes them."""
    if not isinstance(value, list) or len(value) > MOST["votes"]:
        raise _Refused(where, f"must be a list of at most {MOST['votes']} votes")
    kept = []
    for index, item in enumerate(value):
        at = f"{where}[{index}]"
        vote = _object(
            item,
            at,
            {"vote_id", "title", "kind", "status", "dots_each", "voters", "items"},
            {"results_hidden"},
        )
        kind = _choice(vote["kind"], f"{at}.kind", vote_rules.KINDS)
        each = _int(vote["dots_each"], f"{at}.dots_each", 1, vote_rules.DOTS_MAX)
        voters = _int(vote["voters"], f"{at}.voters", 0, MOST["participants"])
        items = []
        for number, entry in enumerate(_item_list(vote["items"], f"{at}.items")):
            place = f"{at}.items[{number}]"
            result = _object(entry, place, {"label", "dots"}, {"answer_id", "hidden"})
            rebuilt_item: dict[str, Any] = {
                "label": _item_label(result["label"], f"{place}.label", kind),
                "dots": _int(result["dots"], f"{place}.dots", 0, each * voters),
            }
            # A vote on answers names each item's answer, as a source does.
            if "answer_id" in result:
                rebuilt_item["answer_id"] = _int(
                    result["answer_id"], f"{place}.answer_id", 1, 2**53
                )
            items.append(rebuilt_item)
        placed = sum(i["dots"] for i in items)
        if placed > each * voters:
            raise _Refused(
                f"{at}.items", f"holds {placed} dots; {voters} people with {each} each place fewer"
            )
        kept.append(
            {
                "vote_id": _int(vote["vote_id"], f"{at}.vote_id", 1, 2**53),
                "title": _vote_title(vote["title"], f"{at}.title", kind),
                "kind": kind,
                "status": _choice(
                    vote["status"], f"{at}.status", (vote_rules.OPEN, vote_rules.CLOSED)
                ),
                "dots_each": each,
                "voters": voters,
                "items": items,
                **(
                    {"results_hidden": _bool(vote["results_hidden"], f"{at}.results_hidden")}
                    if vote.get("results_hidden")
                    else {}
                ),
            }
        )
    _unique([v["vote_id"] for v in kept], where, "the vote")
    return kept


def _purpose(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValidationError("Strategic purpose is viability, momentum or both.")
    return purpose_kind(value)


def _statement(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError("must be text")
    return statement_text(value)


def _values(value: Any, where: str) -> dict[str, list[str]] | None:
    if value is None:
        return None
    items = _object(value, where, set(), set(VALUE_FACETS))
    kept: dict[str, list[str]] = {}
    for facet_key, listed in items.items():
        if not isinstance(listed, list):
            raise _Refused(f"{where}.{facet_key}", "must be a list of text")
        kept[facet_key] = _canvas_rules(listed, f"{where}.{facet_key}", value_items)
    return kept


def checked(data: Any) -> dict[str, Any]:
    """Return the export `data`, every field checked and every text cleaned, or raise.

    docs/workshop-json.md describes the format. Nothing is written until all of it
    has been checked, so a refused file changes nothing.
    """
    try:
        return _checked(data)
    except _Refused as refused:
        raise ValidationError(
            f"This workshop file cannot be imported: {refused.where}: {refused.what}."
        ) from None


def _checked(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _Refused("format", f"this is not a workshop export (expected {FORMAT})")
    data = _object(data, "file", {"format", "workshop", *MOST} - _OPTIONAL_LISTS, _OPTIONAL_LISTS)
    info = _object(
        data["workshop"],
        "workshop",
        {"title", "method", "phase"},
        {
            "organisation",
            "position",
            "answering_open",
            "created_at",
            "started_at",
            "ended_at",
            "vote",
        },
    )
    method_key = _choice(info["method"], "workshop.method", METHODS)
    method = METHODS[method_key]
    fields = {field.key for field in method.fields}

    questions = []
    for index, item in enumerate(_list(data["questions"], "questions")):
        at = f"questions[{index}]"
        q = _object(
            item,
            at,
            {"position", "key", "section", "prompt", "hint", "field"},
            {"facet", "revealed"},
        )
        if _int(q["position"], f"{at}.position", 0, MOST["questions"]) != index:
            raise _Refused(f"{at}.position", f"must be {index}: positions run 0, 1, 2, … in order")
        field = _choice(q["field"], f"{at}.field", fields)
        facet = _choice(q.get("facet"), f"{at}.facet", VALUE_FACETS, null=True)
        if (facet is None) != (field != "values"):
            raise _Refused(f"{at}.facet", "is 'ours' or 'shared' on a values question, else null")
        questions.append(
            {
                "position": index,
                "key": _text(q["key"], f"{at}.key", 40),
                "section": _choice(q["section"], f"{at}.section", _SECTIONS),
                "prompt": _text(q["prompt"], f"{at}.prompt", 300),
                "hint": _optional(q["hint"], f"{at}.hint", 600) or "",
                "field": field,
                "facet": facet,
                "revealed": _bool(q.get("revealed", False), f"{at}.revealed"),
            }
        )
    if not questions:
        raise _Refused("questions", "a workshop needs at least one question")
    _unique([q["key"] for q in questions], "questions", "the key")

    phase = _choice(info["phase"], "workshop.phase", _PHASES)
    position = _int(info.get("position"), "workshop.position", 0, len(questions) - 1, null=True)
    if phase == Phase.QUESTIONS.value and position is None:
        raise _Refused("workshop.position", "must name a question while in the questions phase")
    workshop = {
        "title": _text(info["title"], "workshop.title", TITLE_MAX),
        "organisation": _optional(
            info.get("organisation"), "workshop.organisation", ORGANISATION_MAX
        ),
        "method_key": method_key,
        "phase": phase,
        "position": position if phase == Phase.QUESTIONS.value else None,
        "answering_open": _bool(info.get("answering_open", False), "workshop.answering_open")
        and phase == Phase.QUESTIONS.value,
        "created_at": _moment(info.get("created_at"), "workshop.created_at"),
        "started_at": _moment(info.get("started_at"), "workshop.started_at"),
        "ended_at": _moment(info.get("ended_at"), "workshop.ended_at"),
    }

    participants = []
    for index, item in enumerate(_list(data["participants"], "participants")):
        at = f"participants[{index}]"
        p = _object(item, at, {"id", "name"}, {"joined_at"})
        participants.append(
            {
                "id": _int(p["id"], f"{at}.id", 1, 2**53),
                "name": _optional(p["name"], f"{at}.name", NAME_MAX),
                "joined_at": _moment(p.get("joined_at"), f"{at}.joined_at"),
            }
        )
    _unique([p["id"] for p in participants], "participants", "the id")
    people = {p["id"] for p in participants}

    answers = []
    for index, item in enumerate(_list(data["answers"], "answers")):
        at = f"answers[{index}]"
        a = _object(
            item,
            at,
            {"id", "question", "participant", "text"},
            {"hidden", "merged_into", "client_key", "created_at", "updated_at"},
        )
        question = _int(a["question"], f"{at}.question", 0, 2**53)
        if question >= len(questions):
            raise _Refused(f"{at}.question", f"no question has position {question}")
        participant = _int(a["participant"], f"{at}.participant", 1, 2**53)
        if participant not in people:
            raise _Refused(f"{at}.participant", f"no participant has id {participant}")
        answers.append(
            {
                "id": _int(a["id"], f"{at}.id", 1, 2**53),
                "question": question,
                "participant": participant,
                "text": _text(a["text"], f"{at}.text", ANSWER_MAX, multiline=True),
                "hidden": _bool(a.get("hidden", False), f"{at}.hidden"),
                "merged_into": _int(a.get("merged_into"), f"{at}.merged_into", 1, 2**53, null=True),
                "client_key": _key(a.get("client_key"), f"{at}.client_key"),
                "created_at": _moment(a.get("created_at"), f"{at}.created_at"),
                "updated_at": _moment(a.get("updated_at"), f"{at}.updated_at"),
            }
        )
    _unique([a["id"] for a in answers], "answers", "the id")
    _unique(
        [(a["participant"], a["client_key"]) for a in answers if a["client_key"]],
        "answers",
        "the participant and client key",
    )
    known = {a["id"] for a in answers}
    for index, a in enumerate(answers):
        target = a["merged_into"]
        if target is not None and (target not in known or target == a["id"]):
            raise _Refused(f"answers[{index}].merged_into", f"no other answer has id {target}")

    reactions = []
    for index, item in enumerate(_list(data["reactions"], "reactions")):
        at = f"reactions[{index}]"
        r = _object(item, at, {"participant", "field", "kind"})
        participant = _int(r["participant"], f"{at}.participant", 1, 2**53)
        if participant not in people:
            raise _Refused(f"{at}.participant", f"no participant has id {participant}")
        reactions.append(
            {
                "participant": participant,
                "field": _choice(r["field"], f"{at}.field", fields),
                "kind": _choice(r["kind"], f"{at}.kind", REACTIONS),
            }
        )
    _unique(
        [(r["participant"], r["field"]) for r in reactions],
        "reactions",
        "the participant and field",
    )

    canvas = []
    for index, item in enumerate(_list(data["canvas"], "canvas")):
        at = f"canvas[{index}]"
        f = _object(item, at, {"key"}, {"statement", "purpose", "items", "version"})
        key = _choice(f["key"], f"{at}.key", fields)
        purpose = _canvas_rules(f.get("purpose"), f"{at}.purpose", _purpose)
        items = _values(f.get("items"), f"{at}.items")
        if purpose is not None and key != "purpose":
            raise _Refused(f"{at}.purpose", "only the purpose field has one")
        if items is not None and key != "values":
            raise _Refused(f"{at}.items", "only the values field has lists")
        canvas.append(
            {
                "key": key,
                "statement": _canvas_rules(f.get("statement", ""), f"{at}.statement", _statement),
                "purpose": purpose,
                "items": items,
                "version": _int(f.get("version", 0), f"{at}.version"),
            }
        )
    _unique([f["key"] for f in canvas], "canvas", "the field")

    pins = []
    for index, item in enumerate(_list(data["pins"], "pins")):
        at = f"pins[{index}]"
        p = _object(item, at, {"field", "answer"})
        answer = _int(p["answer"], f"{at}.answer", 1, 2**53)
        if answer not in known:
            raise _Refused(f"{at}.answer", f"no answer has id {answer}")
        pins.append({"field": _choice(p["field"], f"{at}.field", fields), "answer": answer})
    _unique([(p["field"], p["answer"]) for p in pins], "pins", "the pin")

    themes, theme_pins = _checked_themes(data, questions, answers, fields)
    votes, dots = _checked_votes(data, themes, answers, people, fields)
    current = _current_vote(info.get("vote"), votes)

    versions = []
    for index, item in enumerate(_list(data["versions"], "versions")):
        at = f"versions[{index}]"
        v = _object(item, at, {"number", "document"}, {"sealed_at"})
        if _int(v["number"], f"{at}.number", 1, MOST["versions"]) != index + 1:
            raise _Refused(f"{at}.number", f"must be {index + 1}: versions run 1, 2, 3, … in order")
        versions.append(
            {
                "number": index + 1,
                "sealed_at": _moment(v.get("sealed_at"), f"{at}.sealed_at"),
                "document": _document(v["document"], f"{at}.document", fields),
            }
        )
    return {
        "workshop": workshop,
        "questions": questions,
        "participants": participants,
        "answers": answers,
        "reactions": reactions,
        "canvas": canvas,
        "pins": pins,
        "themes": themes,
        "theme_pins": theme_pins,
        "votes": votes,
        "dots": dots,
        "vote": current,
        "versions": versions,
    }


def _scope(value: Any, where: str, questions: list[dict[str, Any]], fields: set[str]) -> Any:
    """Return ("question", position) or ("field", key), of this file and its method."""
    if isinstance(value, str) and (found := _QUESTION_SCOPE.fullmatch(value)):
        position = int(found[1])
        if position >= len(questions):
            raise _Refused(where, f"no question has position {position}")
        return ("question", position)
    if isinstance(value, str) and (found := _FIELD_SCOPE.fullmatch(value)):
        if found[1] not in fields:
            raise _Refused(where, f"this canvas has no field '{found[1]}'")
        return ("field", found[1])
    raise _Refused(where, "must be 'question:<position>' or 'field:<key>'")


def _checked_themes(
    data: dict[str, Any],
    questions: list[dict[str, Any]],
    answers: list[dict[str, Any]],
    fields: set[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The live themes and their pins; a file written before themes has none."""
    asked = {a["id"]: a["question"] for a in answers}
    feeds = [q["field"] for q in questions]
    themes: list[dict[str, Any]] = []
    per_scope: dict[Any, int] = {}
    placed: set[tuple[Any, int]] = set()
    for index, item in enumerate(_list(data.get("themes", []), "themes")):
        at = f"themes[{index}]"
        t = _object(item, at, {"id", "scope", "label", "status", "members"})
        scope = _scope(t["scope"], f"{at}.scope", questions, fields)
        per_scope[scope] = per_scope.get(scope, 0) + 1
        if per_scope[scope] > THEMES_MAX:
            raise _Refused(f"{at}.scope", f"a scope holds at most {THEMES_MAX} themes")
        members = t["members"]
        if not isinstance(members, list) or len(members) > len(answers):
            raise _Refused(f"{at}.members", "must be a list of the file's answer ids")
        for number, member in enumerate(members):
            place = f"{at}.members[{number}]"
            answer = _int(member, place, 1, 2**53)
            if answer not in asked:
                raise _Refused(place, f"no answer has id {answer}")
            kind, value = scope
            if kind == "question" and asked[answer] != value:
                raise _Refused(place, f"answer {answer} is not an answer to question {value}")
            if kind == "field" and feeds[asked[answer]] != value:
                raise _Refused(place, f"answer {answer} is to a question not feeding '{value}'")
            if (scope, answer) in placed:
                raise _Refused(place, f"answer {answer} is already in a theme of this scope")
            placed.add((scope, answer))
        themes.append(
            {
                "id": _int(t["id"], f"{at}.id", 1, 2**53),
                "scope": scope,
                "label": _label(t["label"], f"{at}.label"),
                "status": _choice(t["status"], f"{at}.status", STATUSES),
                "members": list(members),
            }
        )
    _unique([t["id"] for t in themes], "themes", "the id")
    status = {t["id"]: t["status"] for t in themes}

    pins = []
    for index, item in enumerate(_list(data.get("theme_pins", []), "theme_pins")):
        at = f"theme_pins[{index}]"
        p = _object(item, at, {"field", "theme"})
        theme = _int(p["theme"], f"{at}.theme", 1, 2**53)
        if theme not in status:
            raise _Refused(f"{at}.theme", f"no theme has id {theme}")
        if status[theme] != "accepted":
            raise _Refused(
                f"{at}.theme", f"theme {theme} is only suggested; a pinned one is accepted"
            )
        pins.append({"field": _choice(p["field"], f"{at}.field", fields), "theme": theme})
    _unique([(p["field"], p["theme"]) for p in pins], "theme_pins", "the pin")
    return themes, pins


def _checked_votes(
    data: dict[str, Any],
    themes: list[dict[str, Any]],
    answers: list[dict[str, Any]],
    people: set[int],
    fields: set[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The live dot votes and their dots; a file written before votes has none."""
    refs = {"themes": {t["id"] for t in themes}, "answers": {a["id"] for a in answers}}
    votes: list[dict[str, Any]] = []
    of_item: dict[int, int] = {}  # the vote of each item
    for index, item in enumerate(_list(data.get("votes", []), "votes")):
        at = f"votes[{index}]"
        v = _object(
            item,
            at,
            {"id", "title", "kind", "field", "dots", "stack", "status", "items"},
            {"results_hidden", "created_at", "closed_at"},
        )
        kind = _choice(v["kind"], f"{at}.kind", vote_rules.KINDS)
        status = _choice(v["status"], f"{at}.status", (vote_rules.OPEN, vote_rules.CLOSED))
        vote_id = _int(v["id"], f"{at}.id", 1, 2**53)
        items = []
        for number, entry in enumerate(_item_list(v["items"], f"{at}.items")):
            place = f"{at}.items[{number}]"
            i = _object(entry, place, {"id", "label"}, {"ref"})
            item_id = _int(i["id"], f"{place}.id", 1, 2**53)
            if item_id in of_item:
                raise _Refused(f"{place}.id", f"repeats the item id {item_id}")
            of_item[item_id] = vote_id
            ref = _int(i.get("ref"), f"{place}.ref", 1, 2**53, null=True)
            if ref is not None and ref not in refs.get(kind, set()):
                raise _Refused(
                    f"{place}.ref",
                    "must be null on a vote on statements"
                    if kind == "statements"
                    else f"no {kind[:-1]} has id {ref}",
                )
            items.append(
                {
                    "id": item_id,
                    "label": _item_label(i["label"], f"{place}.label", kind),
                    "ref": ref,
                }
            )
        votes.append(
            {
                "id": vote_id,
                "title": _vote_title(v["title"], f"{at}.title", kind),
                "kind": kind,
                "field": _choice(v["field"], f"{at}.field", fields),
                "dots": _int(v["dots"], f"{at}.dots", 1, vote_rules.DOTS_MAX),
                "stack": _bool(v["stack"], f"{at}.stack"),
                "status": status,
                "results_hidden": _bool(v.get("results_hidden", False), f"{at}.results_hidden"),
                "created_at": _moment(v.get("created_at"), f"{at}.created_at"),
                # Only a closed vote has closed.
                "closed_at": _moment(v.get("closed_at"), f"{at}.closed_at")
                if status == vote_rules.CLOSED
                else None,
                "items": items,
            }
        )
    _unique([v["id"] for v in votes], "votes", "the id")
    opened = [index for index, v in enumerate(votes) if v["status"] == vote_rules.OPEN]
    if len(opened) > 1:
        raise _Refused(f"votes[{opened[1]}].status", "one vote is open at a time")
    by_id = {v["id"]: v for v in votes}

    dots: list[dict[str, Any]] = []
    placed: dict[tuple[int, int], int] = {}  # each person's dots on each vote
    for index, item in enumerate(_list(data.get("dots", []), "dots")):
        at = f"dots[{index}]"
        d = _object(item, at, {"vote", "item", "participant", "count"})
        vote_id = _int(d["vote"], f"{at}.vote", 1, 2**53)
        if vote_id not in by_id:
            raise _Refused(f"{at}.vote", f"no vote has id {vote_id}")
        item_id = _int(d["item"], f"{at}.item", 1, 2**53)
        if of_item.get(item_id) != vote_id:
            raise _Refused(f"{at}.item", f"vote {vote_id} has no item with id {item_id}")
        participant = _int(d["participant"], f"{at}.participant", 1, 2**53)
        if participant not in people:
            raise _Refused(f"{at}.participant", f"no participant has id {participant}")
        vote = by_id[vote_id]
        count = _int(d["count"], f"{at}.count", 1, vote_rules.DOTS_MAX)
        # The checks votes.allocation makes of what a phone places.
        if count > 1 and not vote["stack"]:
            raise _Refused(f"{at}.count", f"vote {vote_id} takes one dot per item from a person")
        total = placed.get((participant, vote_id), 0) + count
        if total > vote["dots"]:
            raise _Refused(
                f"{at}.count",
                f"participant {participant} places {total} dots on vote {vote_id}, "
                f"which gives each person {vote['dots']}",
            )
        placed[(participant, vote_id)] = total
        dots.append({"vote": vote_id, "item": item_id, "participant": participant, "count": count})
    _unique([(d["participant"], d["item"]) for d in dots], "dots", "the participant and item")
    return votes, dots


def _current_vote(value: Any, votes: list[dict[str, Any]]) -> int | None:
    """The file's vote every screen shows now: one of its votes, and the open one if any."""
    current = _int(value, "workshop.vote", 1, 2**53, null=True)
    if current is not None and current not in {v["id"] for v in votes}:
        raise _Refused("workshop.vote", f"no vote has id {current}")
    for index, vote in enumerate(votes):
        if vote["status"] == vote_rules.OPEN and vote["id"] != current:
            raise _Refused(
                f"votes[{index}].status", "an open vote is the one the screens show (workshop.vote)"
            )
    return current


def _now_if_none(moment: datetime | None) -> datetime:
    return moment or utcnow()


@writes
def import_workshop(data: Any, team_id: int, created_by_id: int | None = None) -> Workshop:
    """Create a new workshop in the team from an export; return it.

    The whole file is checked first (`checked`); a refused file changes nothing.
    """
    clean = checked(data)
    info = clean["workshop"]
    try:
        workshop = Workshop(
            team_id=team_id,
            created_by_id=created_by_id,
            join_code=new_join_code(),
            screen_token=new_token(),
            **{**info, "created_at": _now_if_none(info["created_at"])},
        )
        workshop.questions = [Question(**q) for q in clean["questions"]]
        db.session.add(workshop)
        db.session.flush()
        people = {}
        for p in clean["participants"]:
            person = Participant(
                workshop_id=workshop.id, name=p["name"], joined_at=_now_if_none(p["joined_at"])
            )
            db.session.add(person)
            people[p["id"]] = person
        db.session.flush()
        by_position = {q.position: q for q in workshop.questions}
        answers: dict[int, Answer] = {}
        for a in clean["answers"]:
            created = _now_if_none(a["created_at"])
            answers[a["id"]] = answer = Answer(
                workshop_id=workshop.id,
                question_id=by_position[a["question"]].id,
                participant_id=people[a["participant"]].id,
                text=a["text"],
                hidden=a["hidden"],
                client_key=a["client_key"],
                created_at=created,
                updated_at=max(created, a["updated_at"] or created),
            )
            db.session.add(answer)
        db.session.flush()
        for a in clean["answers"]:
            if a["merged_into"] is not None:
                answers[a["id"]].merged_into_id = answers[a["merged_into"]].id
        for r in clean["reactions"]:
            db.session.add(
                Reaction(
                    workshop_id=workshop.id,
                    participant_id=people[r["participant"]].id,
                    field=r["field"],
                    kind=r["kind"],
                )
            )
        for f in clean["canvas"]:
            db.session.add(CanvasField(workshop_id=workshop.id, **f))
        for p in clean["pins"]:
            db.session.add(
                Pin(workshop_id=workshop.id, field=p["field"], answer_id=answers[p["answer"]].id)
            )
        themes: dict[int, Theme] = {}
        for t in clean["themes"]:
            kind, value = t["scope"]
            scope = f"question:{by_position[value].id}" if kind == "question" else f"field:{value}"
            themes[t["id"]] = theme = Theme(
                workshop_id=workshop.id, scope=scope, label=t["label"], status=t["status"]
            )
            theme.members = [
                ThemeMember(workshop_id=workshop.id, scope=scope, answer_id=answers[a].id)
                for a in t["members"]
            ]
            db.session.add(theme)
        db.session.flush()
        for p in clean["theme_pins"]:
            db.session.add(
                ThemePin(workshop_id=workshop.id, field=p["field"], theme_id=themes[p["theme"]].id)
            )
        made: dict[int, Vote] = {}
        items: dict[int, VoteItem] = {}
        for v in clean["votes"]:
            refs: dict[int, Any] = {"themes": themes, "answers": answers}.get(v["kind"], {})
            made[v["id"]] = vote = Vote(
                workshop_id=workshop.id,
                **{k: v[k] for k in ("title", "kind", "field", "dots", "stack", "status")},
                results_hidden=v["results_hidden"],
                created_at=_now_if_none(v["created_at"]),
                closed_at=v["closed_at"],
            )
            for position, i in enumerate(v["items"]):
                ref = refs[i["ref"]].id if i["ref"] is not None else None
                items[i["id"]] = VoteItem(position=position, label=i["label"], ref_id=ref)
                vote.items.append(items[i["id"]])
            db.session.add(vote)
        db.session.flush()
        for d in clean["dots"]:
            db.session.add(
                Dot(
                    vote_id=made[d["vote"]].id,
                    item_id=items[d["item"]].id,
                    participant_id=people[d["participant"]].id,
                    count=d["count"],
                )
            )
        if clean["vote"] is not None:
            workshop.vote_id = made[clean["vote"]].id
        for v in clean["versions"]:
            db.session.add(
                CanvasVersion(
                    workshop_id=workshop.id,
                    number=v["number"],
                    sealed_at=_now_if_none(v["sealed_at"]),
                    document=v["document"],
                )
            )
        db.session.commit()
    except SQLAlchemyError as broken:
        # Checked above, so this is the database refusing; nothing of the file is kept.
        db.session.rollback()
        raise ValidationError(
            f"This workshop file could not be stored ({type(broken).__name__})."
        ) from None
    return workshop
