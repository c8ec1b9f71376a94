"""Finding workshops, questions and participants, or failing with NotFound."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..codes import normalise_join_code
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import Participant, Workshop

# One message whether the code is malformed or unknown, so codes cannot be probed.
UNKNOWN_CODE = "No workshop is using that code. Check the code on the big screen and try again."


NO_WORKSHOP = "That workshop does not exist."


def workshop_by_id(workshop_id: int) -> Workshop:
    """Return the workshop, or raise NotFound."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound(NO_WORKSHOP)
    return workshop


# Built once: every phone's join runs these (the join page, its form, the live page),
# and building a statement costs more than running it on SQLite.
_PHASE = select(Workshop.phase).where(Workshop.id == bindparam("id"))
_BY_CODE = select(Workshop).where(Workshop.join_code == bindparam("code"))


def workshop_phase(workshop_id: int) -> str:
    """Return only the workshop's phase (read afresh, not the whole row), or raise NotFound."""
    phase = db.session.execute(_PHASE, {"id": workshop_id}).scalar_one_or_none()
    if phase is None:
        raise NotFound(NO_WORKSHOP)
    return phase


def workshop_by_code(raw_code: str) -> Workshop:
    """Return the workshop a person means by the code they typed, or raise NotFound."""
    code = normalise_join_code(raw_code)
    workshop = None
    if code is not None:
        workshop = db.session.execute(_BY_CODE, {"code": code}).scalar_one_or_none()
    if workshop is None:
        raise NotFound(UNKNOWN_CODE)
    return workshop


def workshop_by_screen_token(token: str) -> Workshop:
    """Return the workshop whose projector link carries this token, or raise NotFound."""
    workshop = db.session.execute(
        db.select(Workshop).filter_by(screen_token=token)
    ).scalar_one_or_none()
    if workshop is None:
        raise NotFound("This projector link is not valid.")
    return workshop


# Built once (every answer runs it). The workshop comes in the same query: every
# write by a phone needs its pointer.
_LOCKED_PARTICIPANT = (
    select(Participant)
    .where(Participant.id == bindparam("id"))
    .options(joinedload(Participant.workshop, innerjoin=True))
    .with_for_update(of=Participant)
    .execution_options(populate_existing=True)
)


NOT_A_PARTICIPANT = "You are not part of this workshop. Join it with its code."


def participant(workshop_id: int, participant_id: int, *, lock: bool = False) -> Participant:
    """Return the participant of that workshop, or raise NotFound.

    With `lock`, the row is read afresh and locked (SELECT ... FOR UPDATE on
    PostgreSQL), so one participant's writes are decided one at a time.
    """
    if lock:
        found = db.session.execute(_LOCKED_PARTICIPANT, {"id": participant_id}).scalar_one_or_none()
    else:
        found = db.session.get(
            Participant, participant_id, options=[joinedload(Participant.workshop)]
        )
    if found is None or found.workshop_id != workshop_id:
        raise NotFound(NOT_A_PARTICIPANT)
    return found


REMOVED = "The facilitator removed you from this workshop."


def present_participant(
    workshop_id: int, participant_id: int, *, lock: bool = False
) -> Participant:
    """Return the participant as `participant` does, refused once the facilitator removed them."""
    found = participant(workshop_id, participant_id, lock=lock)
    if found.removed_at is not None:
        raise Forbidden(REMOVED, code="removed")
    return found
