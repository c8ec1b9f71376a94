"""The front door: type a code to join, or start a workshop."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from .. import access
from ..errors import NotFound
from ..forms import JoinCodeForm
from ..models import Workshop
from ..ratelimit import limits
from ..services import lookup

bp = Blueprint("home", __name__)

TOO_MANY_CODES = "Too many codes tried from this device. Wait a minute, then try again."


def workshop_for_code(raw: str) -> Workshop:
    """Return the workshop a code names; NotFound reads the same whether it exists or not.

    Wrong codes count against this browser (and, as a backstop, its IP); past
    the limit, every code is refused for a minute, so codes cannot be guessed.
    """
    client, ip = access.client_id(), request.remote_addr or "?"
    if limits.codes.full(client) or limits.codes_by_ip.full(ip):
        raise NotFound(TOO_MANY_CODES, code="rate_limited")
    try:
        return lookup.workshop_by_code(raw)
    except NotFound:
        limits.codes.allow(client)
        limits.codes_by_ip.allow(ip)
        raise


@bp.route("/", methods=["GET", "POST"])
def index() -> str | Response | tuple[str, int]:
    """Show the join-by-code form, and the workshops of a logged-in facilitator's teams."""
    form = JoinCodeForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            workshop = workshop_for_code(form.code.data or "")
        except NotFound as missing:
            error, status = missing.message, 429 if missing.code == "rate_limited" else 404
        else:
            return redirect(url_for("phone.join", code=workshop.join_code))
    mine = access.team_workshops()[:5]
    return render_template("home.html", form=form, error=error, workshops=mine), status
