"""A whole workshop as one JSON file, to move it to another server.

The file holds the workshop, its questions, participants, answers, reactions,
live canvas, pins and sealed versions. Ids are the file's own; importing gives
everything new ids, a new join code and a new projector link, and no share
link.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from .codes import new_join_code, new_token
from .errors import ValidationError
from .extensions import db
from .method import METHODS
from .models import (
    Answer,
    CanvasField,
    CanvasVersion,
    Participant,
    Pin,
    Question,
    Reaction,
    Workshop,
)
from .services.transactions import writes

FORMAT = "workshop-export/1"


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


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
        "versions": [
            {"number": v.number, "sealed_at": _time(v.sealed_at), "document": v.document}
            for v in workshop.versions
        ],
    }


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise ValidationError(f"This file is not a workshop export: {what}.")


@writes
def import_workshop(data: Any, team_id: int, created_by_id: int | None = None) -> Workshop:
    """Create a new workshop in the team from an export; return it."""
    _require(isinstance(data, dict) and data.get("format") == FORMAT, f"expected {FORMAT}")
    info = data["workshop"]
    _require(info.get("method") in METHODS, "unknown method")
    try:
        workshop = Workshop(
            team_id=team_id,
            created_by_id=created_by_id,
            join_code=new_join_code(),
            screen_token=new_token(),
            title=str(info["title"])[:120],
            organisation=info.get("organisation"),
            method_key=info["method"],
            phase=info["phase"],
            position=info.get("position"),
            answering_open=bool(info.get("answering_open")),
            created_at=_parse(info.get("created_at")),
            started_at=_parse(info.get("started_at")),
            ended_at=_parse(info.get("ended_at")),
        )
        workshop.questions = [Question(**q) for q in data["questions"]]
        db.session.add(workshop)
        db.session.flush()
        people = {}
        for p in data["participants"]:
            person = Participant(
                workshop_id=workshop.id, name=p["name"], joined_at=_parse(p["joined_at"])
            )
            db.session.add(person)
            people[p["id"]] = person
        db.session.flush()
        by_position = {q.position: q for q in workshop.questions}
        answers: dict[int, Answer] = {}
        for a in data["answers"]:
            answers[a["id"]] = answer = Answer(
                workshop_id=workshop.id,
                question_id=by_position[a["question"]].id,
                participant_id=people[a["participant"]].id,
                text=a["text"],
                hidden=a["hidden"],
                client_key=a.get("client_key"),
                created_at=_parse(a["created_at"]),
                updated_at=_parse(a["updated_at"]),
            )
            db.session.add(answer)
        db.session.flush()
        for a in data["answers"]:
            if a.get("merged_into") is not None:
                answers[a["id"]].merged_into_id = answers[a["merged_into"]].id
        for r in data["reactions"]:
            db.session.add(
                Reaction(
                    workshop_id=workshop.id,
                    participant_id=people[r["participant"]].id,
                    field=r["field"],
                    kind=r["kind"],
                )
            )
        for f in data["canvas"]:
            db.session.add(CanvasField(workshop_id=workshop.id, **f))
        for p in data["pins"]:
            db.session.add(
                Pin(workshop_id=workshop.id, field=p["field"], answer_id=answers[p["answer"]].id)
            )
        for v in data["versions"]:
            db.session.add(
                CanvasVersion(
                    workshop_id=workshop.id,
                    number=v["number"],
                    sealed_at=_parse(v["sealed_at"]),
                    document=v["document"],
                )
            )
        db.session.commit()
    except (KeyError, TypeError, ValueError, SQLAlchemyError) as broken:
        db.session.rollback()
        raise ValidationError(f"This workshop file is incomplete or damaged ({broken}).") from None
    return workshop
