"""Forms, each validated on the server with CSRF protection."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .method import METHODS
from .text import NAME_MAX, ORGANISATION_MAX, TITLE_MAX


class JoinCodeForm(FlaskForm):
    code = StringField(
        "Workshop code",
        validators=[DataRequired("Type the code shown on the big screen."), Length(max=20)],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "inputmode": "text",
            "placeholder": "ABC234",
        },
    )
    submit = SubmitField("Continue")


class JoinForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[Optional(), Length(max=NAME_MAX)],
        render_kw={"autocomplete": "nickname", "maxlength": NAME_MAX},
    )
    submit = SubmitField("Join")
    anonymous = SubmitField("Join anonymously")


class NewWorkshopForm(FlaskForm):
    title = StringField(
        "Workshop title",
        validators=[DataRequired("Give the workshop a title."), Length(max=TITLE_MAX)],
        render_kw={"maxlength": TITLE_MAX, "placeholder": "Partnership strategy 2027"},
    )
    organisation = StringField(
        "Organisation (optional)",
        validators=[Optional(), Length(max=ORGANISATION_MAX)],
        render_kw={"maxlength": ORGANISATION_MAX},
    )
    method = SelectField(
        "Template",
        choices=[SelectChoice(m.key, m.name) for m in METHODS.values()],
        validators=[DataRequired()],
    )
    submit = SubmitField("Create workshop")


class ActionForm(FlaskForm):
    """A button that changes something: CSRF-protected, with nothing else to fill in."""

    submit = SubmitField("Go")
