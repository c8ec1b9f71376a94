"""Teams: create one, see its members, invite people with links that expire."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..errors import NotFound
from ..extensions import db
from ..forms import ActionForm, TeamForm
from ..models import Invite, utcnow
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


@bp.route("/<int:team_id>")
@login_required
def show(team_id: int) -> str:
    """Show the team's members and its open invitations."""
    team = _member_team(team_id)
    invites = db.session.execute(
        db.select(Invite)
        .filter_by(team_id=team.id, revoked=False)
        .where(Invite.expires_at > utcnow())
        .order_by(Invite.id)
    ).scalars()
    return render_template("team/team.html", team=team, invites=invites, form=ActionForm())


def _checked_action() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.post("/<int:team_id>/invites")
@login_required
def invite(team_id: int) -> Response:
    """Make an invite link that works for a week."""
    _checked_action()
    _member_team(team_id)
    accounts.create_invite(team_id, current_user.id)
    flash(f"A new invite link is ready. It works for {accounts.INVITE_DAYS} days.")
    return redirect(url_for("teams.show", team_id=team_id))


@bp.post("/<int:team_id>/invites/<int:invite_id>/revoke")
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
