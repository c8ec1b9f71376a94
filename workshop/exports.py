"""The canvas, the raw answers and the word clouds as files: Markdown, JSON and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

from . import words
from .canvas import PURPOSES, SCHEMA, VALUE_FACETS, Document
from .extensions import db
from .models import Answer, CanvasVersion, Question, Workshop
from .services import canvas, themes

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~])")
# A cell starting with one of these runs as a formula in a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _md(text: str | None) -> str:
    """Return text safe to place in Markdown: no markup, no raw HTML."""
    text = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def json_document(doc: Document, version: CanvasVersion | None) -> dict[str, Any]:
    """Return the canvas as the documented JSON export (docs/canvas-json.md)."""
    return {
        **doc,
        "schema": SCHEMA,
        "version": (
            {"number": version.number, "sealed_at": _iso(version.sealed_at)} if version else None
        ),
    }


def markdown(doc: Document, version: CanvasVersion | None) -> str:
    """Return the canvas as a Markdown page."""
    info = doc["workshop"]
    lines = [f"# {_md(info['title'])}", ""]
    subtitle = [_md(info["organisation"])] if info.get("organisation") else []
    subtitle.append(
        f"Version {version.number}, sealed {_iso(version.sealed_at)}" if version else "Draft"
    )
    lines += [" · ".join(subtitle), "", f"*{_md(info['method'])}*", ""]
    for field in doc["fields"]:
        lines += [f"## {_md(field['label'])}", ""]
        if field.get("purpose"):
            lines += [f"**{_md(PURPOSES[field['purpose']])}**", ""]
        lines += [_md(field["statement"]) if field["statement"] else "*Not written yet.*", ""]
        for facet, label in VALUE_FACETS.items():
            items = (field.get("values") or {}).get(facet)
            if items is not None:
                lines += [f"### {label}", ""]
                lines += [f"- {_md(item)}" for item in items] or ["*None yet.*"]
                lines.append("")
        if field["sources"]:
            lines += ["Drawn from:", ""]
            lines += [f"> {_md(s['text'])}" for s in field["sources"]]
            lines.append("")
        for theme in field.get("themes", []):
            lines += [f"Drawn from the theme **{_md(theme['label'])}** ({_answers(theme)}):", ""]
            lines += [f"> {_md(s['text'])}" for s in theme["sources"]]
            lines.append("")
        for vote in field.get("votes", []):
            lines += [f"Dot vote: **{_md(vote['title'])}** ({_vote_about(vote)})", ""]
            lines += [
                f"1. {_md(' '.join(item['label'].split()))}: {_dots(item['dots'])}"
                for item in vote["items"]
            ]
            lines.append("")
    if doc.get("themes"):
        lines += ["## Themes", ""]
        for theme in doc["themes"]:
            about = f"*{_answers(theme)} · {_md(theme['gathers'])}*"
            lines += [f"### {_md(theme['label'])}", "", about, ""]
            lines += [f"- {_md(s['text'])}" for s in theme["sources"]] or ["*No answers shown.*"]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _dots(count: int) -> str:
    return "1 dot" if count == 1 else f"{count} dots"


def _vote_about(vote: dict[str, Any]) -> str:
    people = "1 person" if vote["voters"] == 1 else f"{vote['voters']} people"
    still = ", still open" if vote["status"] == "open" else ""
    return f"{people}, {_dots(vote['dots_each'])} each{still}"


def votes_csv(workshop: Workshop) -> str:
    """Return every dot vote's results: each item with its dots, most dotted first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["vote", "question", "field", "status", "dots_each", "voters", "rank", "item", "dots"]
    )
    for field, found in canvas.vote_documents(workshop.id).items():
        for vote in found:
            for rank, item in enumerate(vote["items"], start=1):
                row = (
                    vote["vote_id"],
                    vote["title"],
                    field,
                    vote["status"],
                    vote["dots_each"],
                    vote["voters"],
                    rank,
                    item["label"],
                    item["dots"],
                )
                writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _answers(theme: dict[str, Any]) -> str:
    count = len(theme["sources"])
    return f"{count} answer" if count == 1 else f"{count} answers"


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def answers_csv(workshop: Workshop) -> str:
    """Return every raw answer with its question, author (or "anonymous") and time."""
    rows = db.session.execute(
        db.select(Answer, Question)
        .join(Question, Answer.question_id == Question.id)
        .where(Answer.workshop_id == workshop.id)
        .order_by(Question.position, Answer.id)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "question_number",
            "question",
            "field",
            "author",
            "answer",
            "time_utc",
            "hidden",
            "merged_into",
        ]
    )
    for answer, question in rows:
        author = answer.participant.name or "anonymous"
        writer.writerow(
            [
                _cell(v)
                for v in (
                    question.position + 1,
                    question.prompt,
                    question.field,
                    author,
                    answer.text,
                    _iso(answer.created_at),
                    "yes" if answer.hidden else "no",
                    answer.merged_into_id or "",
                )
            ]
        )
    return out.getvalue()


def themes_csv(workshop: Workshop) -> str:
    """Return every theme, suggested or accepted, with each of its answers on a row.

    What each theme gathers (a question, or every question feeding a field), where it
    is pinned, and each answer with its question. Hidden answers are marked, as in the
    answers file, so the file keeps the facilitator's whole grouping.
    """
    pinned: dict[int, list[str]] = {}
    for field, found in canvas.theme_pins(workshop.id).items():
        for theme in found:
            pinned.setdefault(theme.id, []).append(field)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["theme", "status", "gathers", "pinned_to", "question_number", "answer", "hidden"]
    )
    for theme in themes.workshop_themes(workshop.id, with_answers=True):
        gathers = canvas.scope_label(workshop, theme.scope)
        for member in theme.members:
            answer = member.answer
            row = (
                theme.label,
                theme.status,
                gathers,
                " ".join(pinned.get(theme.id, [])),
                answer.question.position + 1,
                answer.text,
                "yes" if answer.hidden else "no",
            )
            writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def words_csv(workshop: Workshop) -> str:
    """Return the word cloud of every question shown as one: each word with how many answers
    used it, most used first, as the projector's ranked list reads it (workshop/words.py).

    Hidden answers are not counted; a word the facilitator took out of the cloud is listed
    with `taken_out` set, so the file keeps what the room said.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["question_number", "question", "rank", "word", "answers", "taken_out"])
    for question in workshop.questions:
        if question.show_as != "cloud":
            continue
        texts = db.session.execute(
            db.select(Answer.text).filter_by(question_id=question.id, hidden=False)
        ).scalars()
        left_out = set(question.hidden_words or ())
        for rank, word in enumerate(words.cloud(texts), start=1):
            row = (
                question.position + 1,
                question.prompt,
                rank,
                word.label,
                word.count,
                "yes" if word.key in left_out else "no",
            )
            writer.writerow([_cell(v) for v in row])
    return out.getvalue()
