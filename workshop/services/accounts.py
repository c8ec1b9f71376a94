"""Facilitator accounts, teams and invitations."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources

from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..codes import new_token
from ..errors import DomainError, Forbidden, NotFound, ValidationError
from ..extensions import db
from ..models import Invite, Membership, Team, User, Workshop, utcnow
from ..offload import off_loop
from ..text import clean, required_text
from .transactions import writes

PASSWORD_MIN = 10
PASSWORD_MAX = 200
TEAM_NAME_MAX = 80
USER_NAME_MAX = 80
INVITE_DAYS = 7
# The codes of check_password's refusals, so a form shows them at the password field.
PASSWORD_REFUSED = frozenset({"weak_password", "common_password"})
# Checked against, so a wrong e-mail address costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")


class LoginFailed(DomainError):
    code = "login_failed"
    status = 401


def normal_email(value: str | None) -> str:
    """Return the address as accounts store it: the one key for sign-up, log-in and their limits.

    Typed with spaces, capitals or invisible characters, it is still the same account,
    so it must also be the same rate-limit counter.
    """
    return clean(value or "").lower()


def _email(value: str) -> str:
    required_text(value, label="The e-mail address", limit=254)
    email = normal_email(value)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        raise ValidationError("Enter a full e-mail address, like name@example.org.")
    return email


@functools.cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of the most common passwords, lower-case (no network needed)."""
    text = resources.files("workshop").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def check_password(password: str, email: str | None = None) -> str:
    """Return the password if it may be used, or say why not (NIST 800-63B: length and a
    blocklist of common and context-specific passwords, and no rules about character kinds)."""
    if len(password) < PASSWORD_MIN:
        raise ValidationError(
            f"Choose a password of at least {PASSWORD_MIN} characters.", code="weak_password"
        )
    if len(password) > PASSWORD_MAX:
        raise ValidationError(
            f"A password is at most {PASSWORD_MAX} characters.", code="weak_password"
        )
    folded = password.strip().lower()
    if folded in common_passwords():
        raise ValidationError(
            "That password is one of the most common, so it is among the first an attacker "
            "tries. Choose another: a few unrelated words make a strong one.",
            code="common_password",
        )
    address = normal_email(email) if email else ""
    if address and folded in {address, address.partition("@")[0]}:
        raise ValidationError(
            "Choose a password that is not your e-mail address.", code="common_password"
        )
    return password


def _hash(password: str) -> str:
    # Hashing costs ~100 ms of CPU on purpose; off the loop, the room keeps moving meanwhile.
    return off_loop(generate_password_hash, password)


def _matches(password_hash: str, password: str) -> bool:
    return off_loop(check_password_hash, password_hash, password)


def sign_up(email: str, password: str, name: str, team_name: str | None = None) -> User:
    """Create an account, and a first team it owns when `team_name` is given."""
    address = _email(email)
    display_name = required_text(name, label="Your name", limit=USER_NAME_MAX)
    # Hashed before the write transaction, which would otherwise hold the write lock meanwhile.
    password_hash = _hash(check_password(password, address))
    return _create_user(address, display_name, password_hash, team_name)


@writes
def _create_user(email: str, name: str, password_hash: str, team_name: str | None) -> User:
    user = User(email=email, name=name, password_hash=password_hash)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ValidationError(
            "An account with this e-mail address exists already. Log in instead.",
            code="email_taken",
        ) from None
    if team_name:
        _add_team(user, team_name)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """Return the user with these credentials, or raise LoginFailed (same for both mistakes)."""
    user = db.session.execute(
        db.select(User).filter_by(email=normal_email(email))
    ).scalar_one_or_none()
    if not _matches(user.password_hash if user else _DUMMY_HASH, password or ""):
        raise LoginFailed("That e-mail address and password do not match an account.")
    assert user is not None
    return user


@writes
def end_sessions(user_id: int) -> User:
    """End every login session and remember cookie the user has, on every device."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    user.session_version += 1
    db.session.commit()
    return user


def change_password(user_id: int, current: str, new: str) -> User:
    """Set a new password after checking the current one; every other session ends."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    if not _matches(user.password_hash, current or ""):
        raise LoginFailed("Your current password is not that one.", code="wrong_password")
    password_hash = _hash(check_password(new, user.email))
    return _store_password(user_id, password_hash)


@writes
def _store_password(user_id: int, password_hash: str) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    user.password_hash = password_hash
    user.session_version += 1
    db.session.commit()
    return user


def _add_team(user: User, name: str) -> Team:
    team = Team(name=required_text(name, label="The team name", limit=TEAM_NAME_MAX))
    team.memberships.append(Membership(user=user, role="owner"))
    db.session.add(team)
    return team


@writes
def create_team(user_id: int, name: str) -> Team:
    """Create a team owned by the user."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    team = _add_team(user, name)
    db.session.commit()
    return team


def teams_of(user_id: int) -> list[Team]:
    return list(
        db.session.execute(
            db.select(Team)
            .join(Membership, Membership.team_id == Team.id)
            .where(Membership.user_id == user_id)
            .order_by(Team.name)
        ).scalars()
    )


def is_member(user_id: int | None, team_id: int) -> bool:
    """Return whether the user belongs to the team: the check behind every facilitator action."""
    if user_id is None:
        return False
    return (
        db.session.execute(
            db.select(Membership.id).filter_by(user_id=user_id, team_id=team_id)
        ).first()
        is not None
    )


def team_for_member(user_id: int, team_id: int) -> Team:
    """Return the team if the user belongs to it; otherwise it does not exist for them."""
    team = db.session.get(Team, team_id)
    if team is None or not is_member(user_id, team_id):
        raise NotFound("That team does not exist.")
    return team


@writes
def create_invite(team_id: int, user_id: int) -> Invite:
    """Make an invite link to the team that works for INVITE_DAYS days."""
    team_for_member(user_id, team_id)
    invite = Invite(
        team_id=team_id,
        token=new_token(),
        created_by_id=user_id,
        expires_at=utcnow() + timedelta(days=INVITE_DAYS),
    )
    db.session.add(invite)
    db.session.commit()
    return invite


@writes
def revoke_invite(team_id: int, user_id: int, invite_id: int) -> None:
    team_for_member(user_id, team_id)
    invite = db.session.get(Invite, invite_id)
    if invite is None or invite.team_id != team_id:
        raise NotFound("That invitation does not exist.")
    invite.revoked = True
    db.session.commit()


def open_invite(token: str) -> Invite:
    """Return a usable invite, or raise NotFound whether it is unknown, expired or revoked."""
    invite = db.session.execute(db.select(Invite).filter_by(token=token)).scalar_one_or_none()
    if invite is None or invite.revoked or invite.expires_at < utcnow():
        raise NotFound("This invitation has expired or was withdrawn. Ask for a new link.")
    return invite


@writes
def accept_invite(token: str, user_id: int) -> Team:
    """Add the user to the invite's team (joining twice changes nothing)."""
    invite = open_invite(token)
    if not is_member(user_id, invite.team_id):
        db.session.add(Membership(user_id=user_id, team_id=invite.team_id, role="member"))
        db.session.commit()
    return invite.team


@dataclass(frozen=True)
class Departure:
    """Someone who no longer belongs to a team, and the team's workshops they must lose."""

    user_id: int
    team_id: int
    workshop_ids: tuple[int, ...]


def _membership(user_id: int, team_id: int) -> Membership | None:
    return db.session.execute(
        db.select(Membership).filter_by(user_id=user_id, team_id=team_id)
    ).scalar_one_or_none()


def _owned(team_id: int, user_id: int) -> Team:
    """Return the team if the user owns it; a non-member cannot tell it exists."""
    team = team_for_member(user_id, team_id)
    mine = _membership(user_id, team_id)
    if mine is None or mine.role != "owner":
        raise Forbidden("Only an owner of the team can do this.")
    return team


def _depart(membership: Membership, *, removed: bool = False) -> Departure:
    team_id, user_id = membership.team_id, membership.user_id
    # Links this person made stop working, so they cannot let themselves back in.
    # Someone an owner removed may also know links others made (one they joined
    # by, one a colleague sent round): every open link of the team stops working,
    # so only a link an owner makes after the removal lets anyone in.
    mine = {} if removed else {"created_by_id": user_id}
    db.session.execute(
        db.update(Invite).filter_by(team_id=team_id, revoked=False, **mine).values(revoked=True)
    )
    db.session.delete(membership)
    workshops = db.session.execute(db.select(Workshop.id).filter_by(team_id=team_id)).scalars()
    departure = Departure(user_id, team_id, tuple(workshops))
    db.session.commit()
    return departure


@writes
def remove_member(team_id: int, by_user_id: int, member_id: int) -> Departure:
    """Take a member out of the team (owners only): they lose its workshops at once,
    and every open invite link of the team stops working (new ones must be made)."""
    _owned(team_id, by_user_id)
    if member_id == by_user_id:
        raise ValidationError("To take yourself out of the team, use Leave the team.")
    membership = _membership(member_id, team_id)
    if membership is None:
        raise NotFound("That person is not a member of this team.")
    return _depart(membership, removed=True)


@writes
def leave_team(team_id: int, user_id: int) -> Departure:
    """Leave the team. A team always keeps an owner, so its last owner hands over first."""
    team_for_member(user_id, team_id)
    membership = _membership(user_id, team_id)
    assert membership is not None
    others = [m for m in membership.team.memberships if m.user_id != user_id]
    if not others:
        raise ValidationError(
            "You are the team's only member: its workshops and canvases would belong to "
            "nobody. Invite a colleague and make them an owner before you leave.",
            code="last_member",
        )
    if membership.role == "owner" and not any(m.role == "owner" for m in others):
        raise ValidationError(
            "You are the team's only owner. Make another member an owner before you leave.",
            code="last_owner",
        )
    return _depart(membership)


@writes
def make_owner(team_id: int, by_user_id: int, member_id: int) -> Membership:
    """Make a member an owner too (owners only), so an owner can hand the team over."""
    _owned(team_id, by_user_id)
    membership = _membership(member_id, team_id)
    if membership is None:
        raise NotFound("That person is not a member of this team.")
    membership.role = "owner"
    db.session.commit()
    return membership
