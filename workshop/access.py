"""Rights carried by the browser's signed session cookie.

Until facilitator accounts exist, the browser that created a workshop is its
facilitator, and a phone is the participant it joined as. The cookie is signed,
so neither can be forged; knowing a join code grants neither.
"""

from __future__ import annotations

from flask import session

_FACILITATES = "facilitates"
_PARTICIPANTS = "participants"
_KEEP = 50


def grant_facilitator(workshop_id: int) -> None:
    """Make this browser the facilitator of the workshop."""
    ids = [i for i in session.get(_FACILITATES, []) if i != workshop_id]
    session[_FACILITATES] = [*ids, workshop_id][-_KEEP:]
    session.permanent = True


def is_facilitator(workshop_id: int) -> bool:
    """Return whether this browser created the workshop."""
    return workshop_id in session.get(_FACILITATES, [])


def facilitated_workshops() -> list[int]:
    """Return the ids of the workshops this browser created, newest last."""
    return list(session.get(_FACILITATES, []))


def remember_participant(workshop_id: int, participant_id: int) -> None:
    """Remember which participant this phone is in the workshop."""
    joined = dict(session.get(_PARTICIPANTS, {}))
    joined[str(workshop_id)] = participant_id
    session[_PARTICIPANTS] = dict(list(joined.items())[-_KEEP:])
    session.permanent = True


def participant_id(workshop_id: int) -> int | None:
    """Return the participant this phone joined the workshop as, if any."""
    value = session.get(_PARTICIPANTS, {}).get(str(workshop_id))
    return value if isinstance(value, int) else None
