"""Facilitator accounts: sign up, log in, log out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from ..errors import DomainError
from ..forms import ActionForm, LoginForm, SignupForm
from ..ratelimit import limits
from ..services import accounts

bp = Blueprint("auth", __name__)


def _next_url() -> str:
    """Return where to go after logging in: a path on this site only, never another host."""
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("canvas.dashboard")
    return target


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> str | Response:
    """Create a facilitator account and its first team."""
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = accounts.sign_up(
                form.email.data or "",
                form.password.data or "",
                form.name.data or "",
                form.team.data or f"{(form.name.data or '').strip()}'s team",
            )
        except DomainError as refused:
            form.email.errors = [*form.email.errors, refused.message]
        else:
            login_user(user, remember=True)
            return redirect(_next_url())
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Log a facilitator in."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        if not limits.login.allow(request.remote_addr or "?", (form.email.data or "").lower()):
            error = "Too many attempts. Wait a minute, then try again."
        else:
            try:
                user = accounts.authenticate(form.email.data or "", form.password.data or "")
            except DomainError as refused:
                error = refused.message
            else:
                login_user(user, remember=True)
                return redirect(_next_url())
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout() -> Response:
    """Log out (a POST with its CSRF token, so no other site can log you out)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    logout_user()
    return redirect(url_for("home.index"))
