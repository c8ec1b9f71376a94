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

from . import ratelimit
from .errors import LimitReached, NotFound
from .extensions import db, login_manager
from .models import Membership, Participant, User, Workshop
from .ratelimit import limits
from .services import accounts, lookup

_REJOIN = "rejoin"
TOO_MANY_CODES = "Too many codes tried from this device. Wait a minute, then try again."
TOO_MANY_JOINS = "Too many joins from this phone. Wait a minute."
_KEEP = 50
_CODES_OK = "codes_ok"  # workshops whose code this session checked (waited for) already
_KEEP_CODES = 5
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


def client_ip() -> str:
    """Return the caller's address: the proxy's, unless WORKSHOP_TRUSTED_PROXIES says how many
    proxies' X-Forwarded-For to believe (ProxyFix then sets it to the phone's own)."""
    return request.remote_addr or "?"


def pause(seconds: float) -> None:
    """Wait before answering, holding no database connection: a thousand waiting
    requests must not empty the pool for everyone else."""
    if seconds > 0:
        db.session.rollback()  # only reads so far; what was loaded reloads when used
        ratelimit.wait(min(seconds, ratelimit.MAX_WAIT))


def _checked_already(workshop_id: int) -> bool:
    """Return whether this browser session's code check for the workshop waited already.

    The front door, the join page and the socket join each check the code; a
    phone waits once, on the first, so its socket join is answered well within
    the script's timeout. The mark is in the signed session cookie, which the
    socket sees too; it tells a guesser nothing, since only a right code sets it.
    """
    return workshop_id in session.get(_CODES_OK, ())


def _mark_checked(workshop_id: int) -> None:
    checked = [w for w in session.get(_CODES_OK, ()) if w != workshop_id]
    session[_CODES_OK] = [*checked, workshop_id][-_KEEP_CODES:]


def workshop_for_code(raw: str) -> Workshop:
    """Return the workshop a code names; NotFound reads the same whether it exists or not.

    A browser that tried 10 wrong codes in a minute is refused every code for a
    minute. Wrong codes are also counted per IP, and past a threshold a new
    phone's check from that IP waits, with a delay that grows (at most
    `ratelimit.MAX_WAIT`): a guesser among a venue slows the venue's new phones
    down, never locks them out. The wait comes before the answer, right or
    wrong, so its length tells a guesser nothing; a phone already in the
    workshop never waits, and a session whose check for this code waited once
    does not wait again.
    """
    client, ip = client_id(), client_ip()
    if limits.codes.full(client):
        raise NotFound(TOO_MANY_CODES, code="rate_limited")
    try:
        workshop = lookup.workshop_by_code(raw)
    except NotFound:
        workshop = None
    if workshop is None or not (
        _checked_already(workshop.id) or returning_participant(workshop.id) is not None
    ):
        pause(limits.codes_by_ip.delay(ip))
    if workshop is None:
        limits.codes.allow(client)
        limits.codes_by_ip.note(ip)
        raise NotFound(lookup.UNKNOWN_CODE)
    _mark_checked(workshop.id)
    return workshop


def admit_newcomer(workshop_id: int, client: str) -> None:
    """Let a new participant in, or refuse: the same limits for the form and the socket.

    A browser session makes at most 10 people a minute. A fresh cookie is a fresh
    session, so new people of one workshop are also counted per IP; past a few
    hundred a minute each waits a little longer (`limits.new_by_ip`), never refused.
    """
    if limits.joins.full(client):
        raise LimitReached(TOO_MANY_JOINS, code="rate_limited")
    pause(limits.new_by_ip.delay(workshop_id, client_ip()))


def count_newcomer(workshop_id: int, client: str, participant_id: int) -> None:
    """Count a participant just made against its browser session and its IP."""
    limits.joins.take(participant_id, client)
    limits.new_by_ip.note(workshop_id, client_ip())
