"""The projector page: read-only, opened from a link with its own token."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..errors import NotFound
from ..services import lookup
from . import links

bp = Blueprint("screen", __name__, url_prefix="/screen")


@bp.route("/<token>")
def show(token: str) -> str:
    """Show the big-screen view of the workshop this token belongs to."""
    try:
        workshop = lookup.workshop_by_screen_token(token)
    except NotFound:
        abort(404)
    return render_template(
        "screen/screen.html",
        workshop=workshop,
        token=token,
        join_url=links.join_url(workshop),
        short_join_url=links.short_join_url(workshop),
        qr_svg=links.qr_svg(workshop),
    )
