"""The front door: type a code to join, or start a workshop."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from .. import access
from ..errors import NotFound
from ..extensions import db
from ..forms import JoinCodeForm
from ..models import Workshop
from ..services import lookup

bp = Blueprint("home", __name__)


@bp.route("/", methods=["GET", "POST"])
def index() -> str | Response:
    """Show the join-by-code form and this browser's own workshops."""
    form = JoinCodeForm()
    error = None
    if form.validate_on_submit():
        try:
            workshop = lookup.workshop_by_code(form.code.data or "")
        except NotFound as missing:
            error = missing.message
        else:
            return redirect(url_for("phone.join", code=workshop.join_code))
    mine = []
    if ids := access.facilitated_workshops():
        mine = list(
            db.session.execute(
                db.select(Workshop).where(Workshop.id.in_(ids)).order_by(Workshop.id.desc())
            ).scalars()
        )
    status = 404 if error else 200
    return render_template("home.html", form=form, error=error, workshops=mine), status  # type: ignore[return-value]
