"""The strategy canvas after the room: dashboard, versions, comparison, sharing, exports."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from .. import access
from ..canvas import PURPOSES, VALUE_FACETS, Document, compare
from ..errors import NotFound
from ..exports import answers_csv, json_document, markdown, themes_csv, votes_csv, words_csv
from ..forms import ActionForm
from ..models import CanvasVersion, Workshop
from ..services import accounts, canvas, synthesis

bp = Blueprint("canvas", __name__)


def _facilitated(workshop_id: int) -> Workshop:
    """Return the workshop if the logged-in user's team owns it; 404 for everyone else."""
    try:
        return access.facilitated(workshop_id)
    except NotFound:
        abort(404)


def _document(
    workshop: Workshop, number: int | None, *, public: bool = False
) -> tuple[Document, CanvasVersion | None]:
    """Return a sealed version's document, or the live canvas when `number` is None.

    A `public` document (a share page, any exported file) leaves hidden answers out;
    the facilitator's own pages list them, marked as hidden.
    """
    if number is None:
        doc, sealed = canvas.document(workshop), None
    else:
        try:
            sealed = synthesis.version(workshop, number)
        except NotFound:
            abort(404)
        doc = sealed.document
    return canvas.marking_hidden(workshop, doc, public=public), sealed


def _shared(token: str) -> tuple[Workshop, Document, CanvasVersion | None]:
    """Return what a share link shows: the latest sealed version, or the draft if none."""
    try:
        workshop = synthesis.workshop_by_share_token(token)
    except NotFound:
        abort(404)
    latest = workshop.versions[-1] if workshop.versions else None
    return workshop, *(_document(workshop, latest.number if latest else None, public=True))


def _download(body: str, mimetype: str, name: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _markdown_file(workshop: Workshop, doc: Document, version: CanvasVersion | None) -> Response:
    return _download(markdown(doc, version), "text/markdown", _filename(workshop, version, "md"))


def _json_file(workshop: Workshop, doc: Document, version: CanvasVersion | None) -> Response:
    body = json.dumps(json_document(doc, version), ensure_ascii=False, indent=2)
    return _download(body, "application/json", _filename(workshop, version, "json"))


def _filename(workshop: Workshop, version: CanvasVersion | None, ext: str) -> str:
    stem = "".join(ch if ch.isalnum() else "-" for ch in workshop.title.lower()).strip("-")[:60]
    suffix = f"-v{version.number}" if version else "-draft"
    return f"{stem or 'canvas'}{suffix}.{ext}"


def _version_arg() -> int | None:
    raw = request.args.get("version")
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        abort(404)
    return int(raw)


def _render(workshop: Workshop, doc: Document, version: CanvasVersion | None, **extra) -> str:  # type: ignore[no-untyped-def]
    return render_template(
        "canvas/canvas.html",
        workshop=workshop,
        doc=doc,
        version=version,
        purposes=PURPOSES,
        facets=VALUE_FACETS,
        **extra,
    )


@bp.route("/workshops/")
@login_required
def dashboard() -> str:
    """List the workshops of the user's teams, with their canvases and versions."""
    return render_template(
        "canvas/dashboard.html",
        workshops=access.team_workshops(),
        teams=accounts.teams_of(current_user.id),
    )


@bp.route("/workshops/<id:workshop_id>/canvas")
def show(workshop_id: int) -> str:
    """Show the live canvas, or one sealed version, with sharing, exports and versions."""
    workshop = _facilitated(workshop_id)
    number = _version_arg()
    if number is None and workshop.versions and not synthesis.unsealed_changes(workshop):
        # Nothing changed since the last version (as after ending): show it as that version.
        number = workshop.versions[-1].number
    doc, version = _document(workshop, number)
    return _render(workshop, doc, version, owner=True, form=ActionForm())


@bp.route("/workshops/<id:workshop_id>/canvas/compare")
def compare_versions(workshop_id: int) -> str:
    """Show two versions side by side, field by field, with the changes marked."""
    workshop = _facilitated(workshop_id)
    numbers = [v.number for v in workshop.versions]
    a = request.args.get("a", type=int) or (numbers[-2] if len(numbers) > 1 else None)
    b = request.args.get("b", type=int) or (numbers[-1] if numbers else None)
    if a is None or b is None:
        return render_template("canvas/compare.html", workshop=workshop, changes=None, a=a, b=b)
    before, first = _document(workshop, a)
    after, second = _document(workshop, b)
    return render_template(
        "canvas/compare.html",
        workshop=workshop,
        changes=compare(before, after),
        first=first,
        second=second,
        a=a,
        b=b,
        purposes=PURPOSES,
        facets=VALUE_FACETS,
    )


@bp.route("/workshops/<id:workshop_id>/canvas.md")
def export_markdown(workshop_id: int) -> Response:
    """Download the canvas (live, or ?version=N) as Markdown."""
    workshop = _facilitated(workshop_id)
    return _markdown_file(workshop, *_document(workshop, _version_arg(), public=True))


@bp.route("/workshops/<id:workshop_id>/canvas.json")
def export_json(workshop_id: int) -> Response:
    """Download the canvas (live, or ?version=N) as JSON; see docs/canvas-json.md."""
    workshop = _facilitated(workshop_id)
    return _json_file(workshop, *_document(workshop, _version_arg(), public=True))


def _csv(workshop_id: int, build: Callable[[Workshop], str], what: str) -> Response:
    """Download one of the workshop's CSV files, named after the workshop and `what`."""
    workshop = _facilitated(workshop_id)
    name = _filename(workshop, None, "csv").replace("-draft", f"-{what}")
    return _download(build(workshop), "text/csv", name)


@bp.route("/workshops/<id:workshop_id>/answers.csv")
def export_answers(workshop_id: int) -> Response:
    """Download every raw answer with its question, author and time."""
    return _csv(workshop_id, answers_csv, "answers")


@bp.route("/workshops/<id:workshop_id>/words.csv")
def export_words(workshop_id: int) -> Response:
    """Download the word clouds' counts, every word, most used first."""
    return _csv(workshop_id, words_csv, "words")


@bp.route("/workshops/<id:workshop_id>/themes.csv")
def export_themes(workshop_id: int) -> Response:
    """Download every theme with each of its answers."""
    return _csv(workshop_id, themes_csv, "themes")


@bp.route("/workshops/<id:workshop_id>/votes.csv")
def export_votes(workshop_id: int) -> Response:
    """Download every dot vote's results."""
    return _csv(workshop_id, votes_csv, "votes")


def _action(workshop_id: int) -> Workshop:
    """Check the facilitator and the CSRF token of a button that changes something."""
    workshop = _facilitated(workshop_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return workshop


@bp.post("/workshops/<id:workshop_id>/share")
def share(workshop_id: int) -> BaseResponse:
    """Make a new read-only share link; an earlier one stops working."""
    _action(workshop_id)
    synthesis.share(workshop_id)
    flash("A new share link is ready. Any earlier link no longer works.")
    return _back_to_share(workshop_id)


@bp.post("/workshops/<id:workshop_id>/share/revoke")
def revoke(workshop_id: int) -> BaseResponse:
    """Switch the share link off."""
    _action(workshop_id)
    synthesis.revoke_share(workshop_id)
    flash("The share link is switched off. Anyone who opens it now sees nothing.")
    return _back_to_share(workshop_id)


def _back_to_share(workshop_id: int) -> BaseResponse:
    """Return to the sharing panel of the version the facilitator was looking at."""
    number = request.form.get("version", type=int)
    return redirect(url_for("canvas.show", workshop_id=workshop_id, version=number) + "#share")


@bp.post("/workshops/<id:workshop_id>/seal")
def seal(workshop_id: int) -> BaseResponse:
    """Seal the canvas as it stands into a new version."""
    _action(workshop_id)
    sealed = synthesis.seal(workshop_id)
    flash(f"Version {sealed.number} is sealed.")
    return redirect(url_for("canvas.show", workshop_id=workshop_id, version=sealed.number))


@bp.post("/workshops/<id:workshop_id>/revise")
def revise(workshop_id: int) -> BaseResponse:
    """Start a new workshop whose canvas begins from the latest version: a strategy reset."""
    _action(workshop_id)
    revision = synthesis.revise(workshop_id, current_user.id, request.form.get("version", type=int))
    return redirect(url_for("facilitator.console", workshop_id=revision.id))


@bp.route("/c/<token>")
def shared(token: str) -> str:
    """Show the shared canvas, read-only: the latest sealed version, or the draft."""
    workshop, doc, version = _shared(token)
    return _render(workshop, doc, version, owner=False, token=token)


@bp.route("/c/<token>/canvas.md")
def shared_markdown(token: str) -> Response:
    """Download the shared canvas as Markdown."""
    return _markdown_file(*_shared(token))


@bp.route("/c/<token>/canvas.json")
def shared_json(token: str) -> Response:
    """Download the shared canvas as JSON."""
    return _json_file(*_shared(token))
