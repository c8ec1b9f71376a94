"""The phone's pages: join with a name or anonymously, then take part live."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for

from .. import access
from ..errors import Closed, DomainError, LimitReached, NotFound
from ..forms import JoinForm
from ..models import Participant, Workshop
from ..phases import Phase
from ..services import participation
from ..text import NAME_MAX
from . import links

bp = Blueprint("phone", __name__, url_prefix="/j")


def _workshop_or_404(code: str) -> Workshop:
    try:
        return access.workshop_for_code(code)
    except NotFound as missing:
        abort(429 if missing.code == "rate_limited" else 404)


def _ended(workshop: Workshop) -> tuple[str, int]:
    """The page a phone gets once the workshop has ended (410 Gone)."""
    return render_template("phone/ended.html", workshop=workshop), 410


def _page(workshop: Workshop, person: Participant | None, form: JoinForm, view: str) -> str:
    """Render the phone's one page: the join form, or the live view for `person`."""
    return render_template(
        "phone/live.html",
        workshop=workshop,
        person=person,
        rejoin_token=access.rejoin_token(workshop.id, person.id) if person else None,
        form=form,
        name_max=NAME_MAX,
        view=view,
    )


@bp.route("/<code>", methods=["GET", "POST"])
def join(code: str) -> Response | tuple[str, int]:
    """Ask for a display name (or none) and join; a phone that joined goes straight in.

    With JavaScript the page joins over its socket and becomes the live view in
    place; the form's own post is the way in without it.
    """
    workshop = _workshop_or_404(code)
    if workshop.join_code != code:  # typed in lower case or with a dash
        return redirect(url_for("phone.join", code=workshop.join_code))
    if access.returning_participant(workshop.id) is not None:
        return redirect(url_for("phone.live", code=workshop.join_code))
    if workshop.phase == Phase.ENDED:
        return _ended(workshop)
    form = JoinForm()
    join_code = workshop.join_code  # read now: joining's write transaction expires the workshop
    status = 200
    if form.validate_on_submit():
        name = None if form.anonymous.data else form.name.data
        client = access.client_id()
        try:
            # The socket's limits: the form is no way around them.
            access.admit_newcomer(workshop.id, client)
            person = participation.join(workshop.id, name)
        except Closed as closed:
            if closed.code == "workshop_ended":
                return _ended(workshop)
            form.name.errors, status = [*form.name.errors, closed.message], closed.status
        except LimitReached as limited:
            form.name.errors, status = [*form.name.errors, limited.message], limited.status
        except DomainError as invalid:
            form.name.errors = [*form.name.errors, invalid.message]
        else:
            access.count_newcomer(workshop.id, client, person.id)
            access.remember_participant(person.workshop_id, person.id)
            return redirect(url_for("phone.live", code=join_code))
    return _page(workshop, None, form, "join"), status


@bp.route("/<code>/live")
def live(code: str) -> str | tuple[str, int]:
    """Show the live phone view: lobby, current question, own answers.

    Without its cookie the page still opens: its script comes back with the
    token the phone kept, or shows the join form.
    """
    workshop = _workshop_or_404(code)
    person = access.returning_participant(workshop.id)
    if person is None and workshop.phase == Phase.ENDED:
        return _ended(workshop)
    return _page(workshop, person, JoinForm(), "connecting")


@bp.route("/<code>/qr.svg")
def qr(code: str) -> Response:
    """Return the join QR code as an SVG file, for printing or slides."""
    workshop = _workshop_or_404(code)
    return Response(links.qr_svg(workshop), mimetype="image/svg+xml")
