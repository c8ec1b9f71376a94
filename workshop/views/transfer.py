"""Moving a whole workshop between servers as one JSON file."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectField, SubmitField

from .. import access
from ..errors import DomainError, NotFound
from ..services import accounts
from ..transfer import export_workshop, import_workshop

bp = Blueprint("transfer", __name__, url_prefix="/workshops")
MAX_FILE_BYTES = 20 * 1024 * 1024


class ImportForm(FlaskForm):
    file = FileField("Workshop file (.json)", validators=[FileRequired("Choose a file.")])
    team = SelectField("Into the team", coerce=int)
    submit = SubmitField("Import workshop")


@bp.route("/<id:workshop_id>/export.json")
@login_required
def export(workshop_id: int) -> Response:
    """Download the whole workshop: questions, people, answers, reactions, canvas, versions."""
    try:
        workshop = access.facilitated(workshop_id)
    except NotFound:
        abort(404)
    body = json.dumps(export_workshop(workshop), ensure_ascii=False, indent=1)
    name = f"workshop-{workshop.id}-{workshop.join_code}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_() -> str | tuple[str, int] | BaseResponse:
    """Upload a workshop file exported from another server into one of your teams."""
    form = ImportForm()
    form.team.choices = [(t.id, t.name) for t in accounts.teams_of(current_user.id)]
    if form.validate_on_submit():
        try:
            team = accounts.team_for_member(current_user.id, form.team.data)
            raw = form.file.data.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                raise DomainError("That file is larger than 20 MB.")
            data = json.loads(raw.decode("utf-8"))
            workshop = import_workshop(data, team.id, current_user.id)
        except (DomainError, ValueError, RecursionError) as refused:
            # RecursionError: JSON nested thousands deep; UnicodeDecodeError is a ValueError.
            message = (
                refused.message
                if isinstance(refused, DomainError)
                else "Not a JSON file in UTF-8 that this server can read."
            )
            form.file.errors = [*form.file.errors, message]
            # The page again, with the reason, as a refusal (nothing was imported).
            return render_template("transfer/import.html", form=form), 400
        else:
            flash(f"Imported “{workshop.title}”. Its join code is {workshop.join_code}.")
            return redirect(url_for("canvas.show", workshop_id=workshop.id))
    return render_template("transfer/import.html", form=form)
