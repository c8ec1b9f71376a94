"""Forms, each validated on the server with CSRF protection."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from .method import METHODS
from .services.accounts import PASSWORD_MAX, PASSWORD_MIN, TEAM_NAME_MAX, USER_NAME_MAX
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
    team = SelectField("Team", coerce=int, validators=[DataRequired()])
    method = SelectField(
        "Template",
        choices=[SelectChoice(m.key, m.name) for m in METHODS.values()],
        validators=[DataRequired()],
    )
    submit = SubmitField("Create workshop")


class ActionForm(FlaskForm):
    """A button that changes something: CSRF-protected, with nothing else to fill in."""

    submit = SubmitField("Go")


def _new_password(label: str, missing: str) -> PasswordField:
    """A field for choosing a password: sign-up's and the password change's, alike."""
    return PasswordField(
        f"{label} (at least {PASSWORD_MIN} characters)",
        validators=[
            DataRequired(missing),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=f"Choose a password of at least {PASSWORD_MIN} characters.",
            ),
        ],
        render_kw={"autocomplete": "new-password", "minlength": PASSWORD_MIN},
    )


class SignupForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[DataRequired("Tell us your name."), Length(max=USER_NAME_MAX)],
        render_kw={"autocomplete": "name", "maxlength": USER_NAME_MAX},
    )
    email = EmailField(
        "E-mail address",
        validators=[DataRequired("Enter your e-mail address."), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = _new_password("Password", "Choose a password.")
    team = StringField(
        "Team name",
        validators=[Optional(), Length(max=TEAM_NAME_MAX)],
        render_kw={"maxlength": TEAM_NAME_MAX, "placeholder": "Partnerships team"},
    )
    submit = SubmitField("Create account")


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        validators=[DataRequired("Enter your e-mail address."), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    # Off unless ticked: on a shared computer, closing the browser must end the session.
    remember = BooleanField("Keep me logged in on this device", default=False)
    submit = SubmitField("Log in")


class PasswordChangeForm(FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    new = _new_password("New password", "Choose a new password.")
    again = PasswordField(
        "New password again",
        validators=[
            DataRequired("Type the new password once more."),
            EqualTo("new", message="The two new passwords differ. Type the same one twice."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Change password")


class TeamForm(FlaskForm):
    name = StringField(
        "Team name",
        validators=[DataRequired("Give the team a name."), Length(max=TEAM_NAME_MAX)],
        render_kw={"maxlength": TEAM_NAME_MAX},
    )
    submit = SubmitField("Create team")
