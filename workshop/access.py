"""Who may do what, decided from the database and signed tokens, never from the client's word.

Facilitators are logged-in members of the team that owns a workshop. A phone is
the participant named by its signed rejoin token, kept in the session cookie
and in the phone's localStorage, so the same phone comes back as the same person.
"""

from __future__ import annotations

import re
import secrets

from flask import current_app, request, session
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from .errors import NotFound
from .extensions import db, login_manager
from .models import Membership, Participant, User, Workshop
from .ratelimit import limits
from .services import accounts, lookup

_REJOIN = "rejoin"
TOO_MANY_CODES = "Too many codes tried from this device. Wait a minute, then try again."
_KEEP = 50
_USER_ID = re.compile(r"(\d{1,18})(?::(\d{1,9}))?", re.ASCII)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the user a session or remember cookie names, if that session has not ended.

    The cookie holds "id:version"; logging out or changing the password bumps the
    version, so every cookie issued before stops working. A bare id is from before
    versions existed, and counts as version 0.
    """
    named = _USER_ID.fullmatch(user_id)
    if named is None:
        return None
    user = db.session.get(User, int(named[1]))
    if user is None or user.session_version != int(named[2] or 0):
        return None
    return user


def user_id() -> int | None:
    """Return the logged-in facilitator's id, or None."""
    return current_user.id if current_user.is_authenticated else None


def can_run(workshop: Workshop) -> bool:
    """Return whether the logged-in user belongs to the team that owns the workshop."""
    return accounts.is_member(user_id(), workshop.team_id)


def facilitated(workshop_id: int) -> Workshop:
    """Return the workshop if the logged-in user may run it; otherwise it does not exist."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or not can_run(workshop):
        raise NotFound("That workshop does not exist.")
    return workshop


def team_workshops() -> list[Workshop]:
    """Return the workshops of every team the logged-in user belongs to, newest first."""
    uid = user_id()
    if uid is None:
        return []
    return list(
        db.session.execute(
            db.select(Workshop)
            .join(Membership, Membership.team_id == Workshop.team_id)
            .where(Membership.user_id == uid)
            .order_by(Workshop.id.desc())
        ).scalars()
    )


def client_id() -> str:
    """Return this browser's own random id, for limits that must not be per IP."""
    if "client" not in session:
        session["client"] = secrets.token_urlsafe(12)
    return str(session["client"])


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="rejoin-token")


def rejoin_token(workshop_id: int, participant_id: int) -> str:
    """Return the signed token that makes a phone this participant again."""
    return _signer().dumps([workshop_id, participant_id])


def read_rejoin_token(token: str | None, workshop_id: int) -> int | None:
    """Return the participant id a token names for this workshop, or None if it is not valid."""
    if not token:
        return None
    try:
        named = _signer().loads(token)
    except BadSignature:
        return None
    if (
        not isinstance(named, list)
        or len(named) != 2
        or named[0] != workshop_id
        or not isinstance(named[1], int)
    ):
        return None
    return named[1]


def remember_participant(workshop_id: int, participant_id: int) -> str:
    """Keep the phone's rejoin token in its session cookie; return the token."""
    token = rejoin_token(workshop_id, participant_id)
    tokens = dict(session.get(_REJOIN, {}))
    tokens.pop(str(workshop_id), None)
    tokens[str(workshop_id)] = token
    session[_REJOIN] = dict(list(tokens.items())[-_KEEP:])
    session.permanent = True
    return token


def returning_participant(workshop_id: int, token: str | None = None) -> Participant | None:
    """Return who this phone already is in the workshop, if they still exist: the
    participant its cookie names, else the one `token` (kept in localStorage) names."""
    from_cookie = read_rejoin_token(session.get(_REJOIN, {}).get(str(workshop_id)), workshop_id)
    for participant_id in dict.fromkeys((from_cookie, read_rejoin_token(token, workshop_id))):
        if participant_id is None:
            continue
        try:
            return lookup.participant(workshop_id, participant_id)
        except NotFound:
            continue
    return None


def workshop_for_code(raw: str) -> Workshop:
    """Return the workshop a code names; NotFound reads the same whether it exists or not.

    Wrong codes count against this browser (and, as a backstop, its IP); past
    the limit, every code is refused for a minute, so codes cannot be guessed.
    """
    client, ip = client_id(), request.remote_addr or "?"
    if limits.codes.full(client) or limits.codes_by_ip.full(ip):
        raise NotFound(TOO_MANY_CODES, code="rate_limited")
    try:
        return lookup.workshop_by_code(raw)
    except NotFound:
        limits.codes.allow(client)
        limits.codes_by_ip.allow(ip)
        raise
