"""Facilitator accounts, teams and invitations."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..codes import new_token
from ..errors import DomainError, NotFound, ValidationError
from ..extensions import db
from ..models import Invite, Membership, Team, User, utcnow
from ..text import required_text
from .transactions import writes

PASSWORD_MIN = 10
PASSWORD_MAX = 200
TEAM_NAME_MAX = 80
USER_NAME_MAX = 80
INVITE_DAYS = 7
# Checked against, so a wrong e-mail address costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")


class LoginFailed(DomainError):
    code = "login_failed"
    status = 401


def _email(value: str) -> str:
    email = required_text(value, label="The e-mail address", limit=254).lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        raise ValidationError("Enter a full e-mail address, like name@example.org.")
    return email


def check_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise ValidationError(f"Choose a password of at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise ValidationError(f"A password is at most {PASSWORD_MAX} characters.")
    return password


@writes
def sign_up(email: str, password: str, name: str, team_name: str | None = None) -> User:
    """Create an account, and a first team it owns when `team_name` is given."""
    user = User(
        email=_email(email),
        name=required_text(name, label="Your name", limit=USER_NAME_MAX),
        password_hash=generate_password_hash(check_password(password)),
    )
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
        db.select(User).filter_by(email=(email or "").strip().lower())
    ).scalar_one_or_none()
    if not check_password_hash(user.password_hash if user else _DUMMY_HASH, password or ""):
        raise LoginFailed("That e-mail address and password do not match an account.")
    assert user is not None
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
