"""What a facilitator does to turn the room's answers into the strategy canvas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from .. import canvas as rules
from .. import phases
from ..changes import (
    AnswersMerged,
    FieldChanged,
    ReactionChanged,
    RoomMoved,
    ShareChanged,
    VersionSealed,
)
from ..codes import new_token
from ..errors import Closed, NotFound, Stale, TransitionError, ValidationError
from ..extensions import db
from ..method import get_method
from ..models import Answer, CanvasField, CanvasVersion, Pin, Reaction, Workshop, utcnow
from ..phases import Phase
from . import canvas, facilitation, votes
from .lookup import present_participant as find_participant
from .lookup import workshop_by_id
from .transactions import writes
from .unit_of_work import record


@writes
def open_synthesis(workshop_id: int) -> Workshop:
    """Move the room from the questions to building the canvas."""
    workshop = workshop_by_id(workshop_id)
    facilitation.point_to(workshop, phases.synthesize(workshop.pointer))
    canvas.fields(workshop)
    record(RoomMoved(workshop.id, within_questions=False))
    db.session.commit()
    return workshop


def _editable(workshop_id: int) -> Workshop:
    workshop = workshop_by_id(workshop_id)
    if workshop.phase != Phase.SYNTHESIS:
        raise TransitionError("Open the synthesis to work on the canvas.")
    return workshop


def _field(workshop: Workshop, key: str, base_version: int) -> CanvasField:
    """Return the field to change, or raise Stale if someone changed it since `base_version`."""
    known = canvas.fields(workshop).get(key)
    if known is None:
        raise NotFound(f"This canvas has no field '{key}'.")
    # Locked until commit (PostgreSQL; SQLite holds its write lock already), so two
    # consoles cannot both pass the version check.
    field = db.session.get(CanvasField, known.id, with_for_update=True, populate_existing=True)
    assert field is not None
    if field.version != base_version:
        raise Stale(
            "Someone else changed this field a moment ago. Their version is shown; "
            "apply your change to it again if it still makes sense.",
            details={"field": key, "version": field.version},
        )
    return field


def _changed(field: CanvasField) -> CanvasField:
    field.version += 1
    field.updated_at = utcnow()
    record(FieldChanged(field.workshop_id, field))
    db.session.commit()
    return field


@writes
def edit_statement(workshop_id: int, key: str, text: str, base_version: int) -> CanvasField:
    """Write or rewrite a field's statement."""
    statement = rules.statement_text(text)
    field = _field(_editable(workshop_id), key, base_version)
    field.statement = statement
    return _changed(field)


@writes
def set_purpose(workshop_id: int, kind: str | None, base_version: int) -> CanvasField:
    """Mark the strategic purpose as viability, momentum or both (None clears it)."""
    kind = rules.purpose_kind(kind)
    field = _field(_editable(workshop_id), "purpose", base_version)
    field.purpose = kind
    return _changed(field)


@writes
def set_values(workshop_id: int, facet: str, items: list[Any], base_version: int) -> CanvasField:
    """Replace one of the two short lists of values."""
    facet = rules.facet(facet)
    cleaned = rules.value_items(items)
    field = _field(_editable(workshop_id), "values", base_version)
    field.items = {**(field.items or {}), facet: cleaned}
    return _changed(field)


def _answer(workshop_id: int, answer_id: int) -> Answer:
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.workshop_id != workshop_id:
        raise NotFound("That answer does not exist.")
    return answer


@writes
def set_pin(workshop_id: int, key: str, answer_id: int, pinned: bool) -> CanvasField:
    """Pin an answer to a field as one it was drawn from, or unpin it."""
    workshop = _editable(workshop_id)
    field = canvas.fields(workshop).get(key)
    if field is None:
        raise NotFound(f"This canvas has no field '{key}'.")
    answer = _answer(workshop_id, answer_id)
    existing = db.session.execute(
        db.select(Pin).filter_by(workshop_id=workshop_id, field=key, answer_id=answer.id)
    ).scalar_one_or_none()
    if pinned and existing is None:
        db.session.add(Pin(workshop_id=workshop_id, field=key, answer_id=answer.id))
    elif not pinned and existing is not None:
        db.session.delete(existing)
    else:
        return field
    # Pins are a set, so two consoles pinning never conflict: the field's version,
    # which guards the statement, is left alone.
    record(FieldChanged(workshop_id, field, pins_only=True))
    try:
        db.session.commit()
    except IntegrityError:  # pinned twice at once from two consoles: one pin stands
        db.session.rollback()
    return canvas.fields(workshop_by_id(workshop_id))[key]


@writes
def merge(workshop_id: int, answer_id: int, into_id: int) -> list[Answer]:
    """Fold a near-duplicate answer (and any merged into it) into another; return them."""
    _editable(workshop_id)
    answer, target = _answer(workshop_id, answer_id), _answer(workshop_id, into_id)
    while target.merged_into_id is not None:
        target = _answer(workshop_id, target.merged_into_id)
    if target.id == answer.id:
        raise ValidationError("An answer cannot be merged into itself.")
    followers = (
        db.session.execute(
            db.select(Answer).filter_by(workshop_id=workshop_id, merged_into_id=answer.id)
        )
        .scalars()
        .all()
    )
    moved = [answer, *followers]
    for item in moved:
        item.merged_into_id = target.id
    record(AnswersMerged(workshop_id, moved))
    db.session.commit()
    return moved


@writes
def unmerge(workshop_id: int, answer_id: int) -> Answer:
    """Split a merged answer out again."""
    _editable(workshop_id)
    answer = _answer(workshop_id, answer_id)
    answer.merged_into_id = None
    record(AnswersMerged(workshop_id, [answer]))
    db.session.commit()
    return answer


@dataclass(frozen=True, slots=True)
class Reacted:
    """A participant's reaction to a field as stored, and the field's tally with it."""

    kind: str | None
    tally: dict[str, int]


@writes
def react(workshop_id: int, participant_id: int, key: str, kind: str | None) -> Reacted:
    """Set, change or (with None) withdraw a participant's reaction to a field.

    On PostgreSQL the tally is read in the same transaction, just before its
    commit: a whole room reacts at once, and a second checkout for it cost each
    reaction a ping, a BEGIN and a ROLLBACK more. On SQLite it is read after
    the commit: inside, it would hold the one write lock that every writer waits on.
    """
    person = find_participant(workshop_id, participant_id)
    if person.workshop.phase != Phase.SYNTHESIS:
        raise Closed("Reactions open when the facilitator builds the canvas.")
    if kind is not None and kind not in rules.REACTIONS:
        raise ValidationError("React with 'agree' or 'concern'.")
    if key not in {spec.key for spec in get_method(person.workshop.method_key).fields}:
        raise NotFound(f"This canvas has no field '{key}'.")
    reaction = db.session.execute(
        db.select(Reaction).filter_by(participant_id=person.id, field=key)
    ).scalar_one_or_none()
    if kind is None:
        if reaction is not None:
            db.session.delete(reaction)
    elif reaction is None:
        db.session.add(
            Reaction(workshop_id=workshop_id, participant_id=person.id, field=key, kind=kind)
        )
    else:
        reaction.kind = kind
        reaction.updated_at = utcnow()
    record(ReactionChanged(workshop_id, key))
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.commit()
        return Reacted(kind, canvas.tally(workshop_id, key))
    db.session.flush()
    reacted = Reacted(kind, canvas.tally(workshop_id, key))
    db.session.commit()
    return reacted


def own_reactions(participant_id: int) -> dict[str, str]:
    rows = db.session.execute(
        db.select(Reaction.field, Reaction.kind).filter_by(participant_id=participant_id)
    )
    return {field: kind for field, kind in rows}


@writes
def seal(workshop_id: int) -> CanvasVersion:
    """Seal the canvas as it stands into the next numbered, dated version."""
    workshop = workshop_by_id(workshop_id)
    if workshop.phase not in (Phase.SYNTHESIS, Phase.ENDED):
        raise TransitionError("Build the canvas in the synthesis before sealing a version.")
    sealed = _new_version(workshop)
    db.session.commit()
    return sealed


def _new_version(workshop: Workshop) -> CanvasVersion:
    number = (workshop.versions[-1].number if workshop.versions else 0) + 1
    sealed = CanvasVersion(
        workshop_id=workshop.id,
        number=number,
        document=canvas.document(workshop),
        sealed_at=utcnow(),
    )
    workshop.versions.append(sealed)
    record(VersionSealed(workshop.id, sealed))
    return sealed


@writes
def finish(workshop_id: int) -> tuple[Workshop, CanvasVersion | None]:
    """End the workshop; a canvas changed since its last version is sealed first."""
    workshop = workshop_by_id(workshop_id)
    phases.end(workshop.pointer)  # refuse before sealing anything
    votes.close_open(workshop)  # the vote ends with the workshop; its results count as they stand
    sealed = _new_version(workshop) if unsealed_changes(workshop) else None
    facilitation.end(workshop)
    record(RoomMoved(workshop.id, within_questions=False))
    db.session.commit()
    return workshop, sealed


def unsealed_changes(workshop: Workshop) -> bool:
    """Return whether the canvas has content that no version holds yet."""
    current = canvas.document(workshop)
    if workshop.versions:
        return workshop.versions[-1].document["fields"] != current["fields"]
    return any(
        f["statement"]
        or f.get("purpose")
        or any((f.get("values") or {}).values())
        or f["sources"]
        or f.get("themes")
        or f.get("votes")
        for f in current["fields"]
    )


def version(workshop: Workshop, number: int) -> CanvasVersion:
    for sealed in workshop.versions:
        if sealed.number == number:
            return sealed
    raise NotFound(f"This canvas has no version {number}.")


@writes
def share(workshop_id: int) -> str:
    """Make a new read-only share link; any earlier one stops working."""
    workshop = workshop_by_id(workshop_id)
    workshop.share_token = new_token()
    record(ShareChanged(workshop.id))
    db.session.commit()
    return workshop.share_token


@writes
def revoke_share(workshop_id: int) -> None:
    """Stop the share link from working."""
    workshop_by_id(workshop_id).share_token = None
    record(ShareChanged(workshop_id))
    db.session.commit()


def workshop_by_share_token(token: str) -> Workshop:
    workshop = db.session.execute(
        db.select(Workshop).filter_by(share_token=token)
    ).scalar_one_or_none()
    if workshop is None or not token:
        raise NotFound("This share link does not work any more. Ask the team for a new one.")
    return workshop


@writes
def revise(workshop_id: int, by_user_id: int, number: int | None = None) -> Workshop:
    """Start a new workshop whose canvas starts from a sealed version (the latest by default)."""
    source = workshop_by_id(workshop_id)
    if not source.versions:
        raise TransitionError("Seal a version of this canvas before revising it.")
    sealed = version(source, number) if number is not None else source.versions[-1]
    revision = facilitation.new_workshop(
        f"{source.title} (revision)"[:120],
        source.organisation,
        source.method_key,
        source.team_id,
        by_user_id,
    )
    revision.seeded_from_version_id = sealed.id
    seeded = canvas.fields(revision)
    for doc in sealed.document["fields"]:
        field = seeded.get(doc["key"])
        if field is None:
            continue
        field.statement = doc.get("statement", "")
        if "purpose" in doc:
            field.purpose = doc["purpose"]
        if "values" in doc:
            field.items = {facet: list(v) for facet, v in doc["values"].items()}
    db.session.commit()
    return revision
