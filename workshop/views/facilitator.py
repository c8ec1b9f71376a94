"""The facilitator's pages: create a workshop, then run it from the console."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from .. import access
from ..errors import ValidationError
from ..forms import NewWorkshopForm
from ..method import DEFAULT_METHOD, SECTION_LABELS
from ..services import facilitation, lookup
from . import links

bp = Blueprint("facilitator", __name__, url_prefix="/workshops")


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    """Show the form for a new workshop; on submit, create it and open its console."""
    form = NewWorkshopForm(method=DEFAULT_METHOD)
    if form.validate_on_submit():
        try:
            workshop = facilitation.create_workshop(
                form.title.data or "", form.organisation.data, form.method.data or ""
            )
        except ValidationError as invalid:
            form.title.errors = [*form.title.errors, invalid.message]
        else:
            access.grant_facilitator(workshop.id)
            return redirect(url_for("facilitator.console", workshop_id=workshop.id))
    return render_template("console/new.html", form=form)


@bp.route("/<int:workshop_id>/console")
def console(workshop_id: int) -> str:
    """Show the live console of a workshop this browser created."""
    if not access.is_facilitator(workshop_id):
        abort(404)
    workshop = lookup.workshop_by_id(workshop_id)
    return render_template(
        "console/console.html",
        workshop=workshop,
        section_labels={section.value: label for section, label in SECTION_LABELS.items()},
        join_url=links.join_url(workshop),
        short_join_url=links.short_join_url(workshop),
        qr_svg=links.qr_svg(workshop),
        screen_url=url_for("screen.show", token=workshop.screen_token, _external=True),
    )
