"""The phone's pages: join with a name or anonymously, then take part live."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for

from .. import access
from ..errors import Closed, DomainError, NotFound
from ..forms import JoinForm
from ..models import Participant
from ..phases import Phase
from ..services import lookup, participation
from . import links

bp = Blueprint("phone", __name__, url_prefix="/j")


def _workshop_or_404(code: str):  # type: ignore[no-untyped-def]
    try:
        return lookup.workshop_by_code(code)
    except NotFound:
        abort(404)


def _joined_as(workshop_id: int) -> Participant | None:
    """Return the participant this phone joined as, if it still exists."""
    participant_id = access.participant_id(workshop_id)
    if participant_id is None:
        return None
    try:
        return lookup.participant(workshop_id, participant_id)
    except NotFound:
        return None


@bp.route("/<code>", methods=["GET", "POST"])
def join(code: str) -> str | Response | tuple[str, int]:
    """Ask for a display name (or none) and join; a phone that joined goes straight in."""
    workshop = _workshop_or_404(code)
    if workshop.join_code != code:  # typed in lower case or with a dash
        return redirect(url_for("phone.join", code=workshop.join_code))
    if _joined_as(workshop.id) is not None:
        return redirect(url_for("phone.live", code=workshop.join_code))
    if workshop.phase == Phase.ENDED:
        return render_template("phone/ended.html", workshop=workshop), 410
    form = JoinForm()
    if form.validate_on_submit():
        name = None if form.anonymous.data else form.name.data
        try:
            person = participation.join(workshop.id, name)
        except Closed:
            return render_template("phone/ended.html", workshop=workshop), 410
        except DomainError as invalid:
            form.name.errors = [*form.name.errors, invalid.message]
        else:
            access.remember_participant(workshop.id, person.id)
            return redirect(url_for("phone.live", code=workshop.join_code))
    return render_template("phone/join.html", workshop=workshop, form=form)


@bp.route("/<code>/live")
def live(code: str) -> str | Response:
    """Show the live phone view: lobby, current question, own answers."""
    workshop = _workshop_or_404(code)
    person = _joined_as(workshop.id)
    if person is None:
        return redirect(url_for("phone.join", code=workshop.join_code))
    return render_template("phone/live.html", workshop=workshop, person=person)


@bp.route("/<code>/qr.svg")
def qr(code: str) -> Response:
    """Return the join QR code as an SVG file, for printing or slides."""
    workshop = _workshop_or_404(code)
    return Response(links.qr_svg(workshop), mimetype="image/svg+xml")
