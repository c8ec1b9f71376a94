"""Teams: create one, see its members, invite people with links that expire, and take
people out (an owner removes a member, a member leaves)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..errors import DomainError, NotFound
from ..extensions import db
from ..forms import ActionForm, TeamForm
from ..models import Invite, utcnow
from ..realtime import evict
from ..services import accounts

bp = Blueprint("teams", __name__, url_prefix="/teams")


def _member_team(team_id: int):  # type: ignore[no-untyped-def]
    try:
        return accounts.team_for_member(current_user.id, team_id)
    except NotFound:
        abort(404)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    """Create a team the logged-in facilitator owns."""
    form = TeamForm()
    if form.validate_on_submit():
        team = accounts.create_team(current_user.id, form.name.data or "")
        return redirect(url_for("teams.show", team_id=team.id))
    return render_template("team/new.html", form=form)


@bp.route("/<id:team_id>")
@login_required
def show(team_id: int) -> str:
    """Show the team's members and its open invitations."""
    team = _member_team(team_id)
    mine = next(m for m in team.memberships if m.user_id == current_user.id)
    query = (
        db.select(Invite)
        .filter_by(team_id=team.id, revoked=False)
        .where(Invite.expires_at > utcnow())
        .order_by(Invite.id)
    )
    # Owners see every open link; a member only the ones they made, which stop
    # working when they go: nobody walks out of the team knowing a link that works.
    if mine.role != "owner":
        query = query.filter_by(created_by_id=current_user.id)
    invites = db.session.execute(query).scalars()
    return render_template(
        "team/team.html",
        team=team,
        invites=invites,
        form=ActionForm(),
        is_owner=mine.role == "owner",
    )


def _checked_action() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.post("/<id:team_id>/invites")
@login_required
def invite(team_id: int) -> Response:
    """Make an invite link that works for a week."""
    _checked_action()
    _member_team(team_id)
    accounts.create_invite(team_id, current_user.id)
    flash(f"A new invite link is ready. It works for {accounts.INVITE_DAYS} days.")
    return redirect(url_for("teams.show", team_id=team_id))


@bp.post("/<id:team_id>/invites/<id:invite_id>/revoke")
@login_required
def revoke(team_id: int, invite_id: int) -> Response:
    """Withdraw an invite link before it expires."""
    _checked_action()
    _member_team(team_id)
    try:
        accounts.revoke_invite(team_id, current_user.id, invite_id)
    except NotFound:
        abort(404)
    flash("The invite link no longer works.")
    return redirect(url_for("teams.show", team_id=team_id))


@bp.route("/join/<token>", methods=["GET", "POST"])
@login_required
def accept(token: str) -> str | Response:
    """Show an invitation, and join the team when the facilitator accepts it."""
    try:
        invite = accounts.open_invite(token)
    except NotFound:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        team = accounts.accept_invite(token, current_user.id)
        flash(f"You are now a member of {team.name}.")
        return redirect(url_for("teams.show", team_id=team.id))
    return render_template("team/accept.html", invite=invite, form=form)


def _closed_out(departure: accounts.Departure, message: str) -> None:
    """Close the consoles the person had open on the team's workshops: from now on they
    must not receive its names, answers or share link."""
    evict.close_consoles(
        departure.user_id,
        workshop_ids=departure.workshop_ids,
        reason="left_team",
        message=message,
    )


@bp.post("/<id:team_id>/members/<id:member_id>/remove")
@login_required
def remove_member(team_id: int, member_id: int) -> Response:
    """Take a member out of the team (owners only); their open consoles close at once."""
    _checked_action()
    team = _member_team(team_id)
    try:
        departure = accounts.remove_member(team_id, current_user.id, member_id)
    except NotFound:
        abort(404)
    except DomainError as refused:
        flash(refused.message)
        return redirect(url_for("teams.show", team_id=team_id))
    _closed_out(departure, f"You are no longer a member of {team.name}.")
    flash(
        "They are no longer a member. Their open consoles of this team's workshops closed, "
        "and the team's invite links were withdrawn: make a new link to invite someone."
    )
    return redirect(url_for("teams.show", team_id=team_id))


@bp.post("/<id:team_id>/leave")
@login_required
def leave(team_id: int) -> Response:
    """Leave the team; a team's last owner must make someone else an owner first."""
    _checked_action()
    team = _member_team(team_id)
    try:
        departure = accounts.leave_team(team_id, current_user.id)
    except DomainError as refused:
        flash(refused.message)
        return redirect(url_for("teams.show", team_id=team_id))
    _closed_out(departure, f"You left {team.name}.")
    flash(f"You left {team.name}.")
    return redirect(url_for("canvas.dashboard"))


@bp.post("/<id:team_id>/members/<id:member_id>/owner")
@login_required
def make_owner(team_id: int, member_id: int) -> Response:
    """Make a member an owner too (owners only)."""
    _checked_action()
    _member_team(team_id)
    try:
        accounts.make_owner(team_id, current_user.id, member_id)
    except NotFound:
        abort(404)
    except DomainError as refused:
        flash(refused.message)
        return redirect(url_for("teams.show", team_id=team_id))
    flash("They are an owner of the team now.")
    return redirect(url_for("teams.show", team_id=team_id))
