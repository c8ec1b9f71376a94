"""The front door: type a code to join, or start a workshop."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from .. import access
from ..errors import NotFound
from ..forms import JoinCodeForm

bp = Blueprint("home", __name__)


@bp.route("/", methods=["GET", "POST"])
def index() -> str | Response | tuple[str, int]:
    """Show the join-by-code form, and the workshops of a logged-in facilitator's teams."""
    form = JoinCodeForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            workshop = access.workshop_for_code(form.code.data or "")
        except NotFound as missing:
            error, status = missing.message, 429 if missing.code == "rate_limited" else 404
        else:
            return redirect(url_for("phone.join", code=workshop.join_code))
    mine = access.team_workshops()[:5]
    return render_template("home.html", form=form, error=error, workshops=mine), status
