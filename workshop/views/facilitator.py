"""The facilitator's pages: create a workshop, then run it from the console."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from .. import access
from ..errors import DomainError
from ..forms import NewWorkshopForm
from ..method import DEFAULT_METHOD, SECTION_LABELS
from ..services import accounts, facilitation
from . import links

bp = Blueprint("facilitator", __name__, url_prefix="/workshops")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    """Show the form for a new workshop; on submit, create it and open its console."""
    teams = accounts.teams_of(current_user.id)
    if not teams:
        return redirect(url_for("teams.new"))
    form = NewWorkshopForm(method=DEFAULT_METHOD)
    form.team.choices = [(t.id, t.name) for t in teams]
    if form.validate_on_submit():
        try:
            workshop = facilitation.create_workshop(
                form.title.data or "",
                form.organisation.data,
                form.method.data or "",
                accounts.team_for_member(current_user.id, form.team.data).id,
                current_user.id,
            )
        except DomainError as invalid:
            form.title.errors = [*form.title.errors, invalid.message]
        else:
            return redirect(url_for("facilitator.console", workshop_id=workshop.id))
    return render_template("console/new.html", form=form)


@bp.route("/<id:workshop_id>/console")
@login_required
def console(workshop_id: int) -> str:
    """Show the live console to a member of the team that owns the workshop."""
    workshop = access.facilitated(workshop_id)
    return render_template(
        "console/console.html",
        workshop=workshop,
        section_labels={section.value: label for section, label in SECTION_LABELS.items()},
        join_url=links.join_url(workshop),
        short_join_url=links.short_join_url(workshop),
        qr_svg=links.qr_svg(workshop),
        screen_url=url_for("screen.show", token=workshop.screen_token, _external=True),
    )
