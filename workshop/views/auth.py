"""Facilitator accounts: sign up, log in, log out, change the password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from .. import access
from ..errors import DomainError
from ..forms import ActionForm, LoginForm, PasswordChangeForm, SignupForm
from ..ratelimit import limits
from ..realtime import evict
from ..services import accounts

TOO_MANY = "Too many attempts. Wait a minute, then try again."

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
        if not _signup_allowed(form.email.data):
            form.email.errors = [*form.email.errors, TOO_MANY]
            return render_template("auth/signup.html", form=form)
        try:
            user = accounts.sign_up(
                form.email.data or "",
                form.password.data or "",
                form.name.data or "",
                form.team.data or f"{(form.name.data or '').strip()}'s team",
            )
        except DomainError as refused:
            field = form.password if refused.code in accounts.PASSWORD_REFUSED else form.email
            field.errors = [*field.errors, refused.message]
        else:
            login_user(user)
            return redirect(_next_url())
    return render_template("auth/signup.html", form=form)


def _signup_allowed(email: str | None) -> bool:
    """Count a sign-up against its address from this IP, against this browser, and
    against this IP: fresh addresses and fresh cookies are no way around the limit."""
    key, ip = accounts.normal_email(email), access.client_ip()
    by_address = limits.signup.allow(ip, key)
    return (
        by_address
        and limits.signups_by_client.allow(access.client_id())
        and limits.signups_by_ip.allow(ip)
    )


def _may_try(key: str) -> bool:
    """Return whether this browser may check a password for the address, after the wait.

    Only this browser session's own wrong passwords refuse it. Everyone's wrong
    passwords for the address slow every check down (at most 2 s, before the
    answer, right or wrong, holding no database connection): other clients'
    guessing can slow a facilitator's right password, never refuse it.
    """
    if limits.login.full(access.client_id(), key):
        return False
    access.pause(limits.login_by_address.delay(key))
    return True


def _failed(key: str) -> None:
    """Count a wrong password for the address, against this browser and everyone."""
    limits.login.allow(access.client_id(), key)
    limits.login_by_address.note(key)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Log a facilitator in."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        # The same normalised address the account lookup uses, so no spelling of it
        # (" Victim@example.org") gets fresh guesses.
        key = accounts.normal_email(form.email.data)
        if not _may_try(key):
            error = TOO_MANY
        else:
            try:
                user = accounts.authenticate(form.email.data or "", form.password.data or "")
            except DomainError as refused:
                _failed(key)
                error = refused.message
            else:
                login_user(user, remember=bool(form.remember.data))
                return redirect(_next_url())
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout() -> Response:
    """Log out (a POST with its CSRF token, so no other site can log you out)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        user_id = current_user.id
        # Every session and remember cookie of the account ends, not just this cookie:
        # a copied or forgotten one must not outlive the logout.
        accounts.end_sessions(user_id)
        logout_user()
        evict.close_consoles(
            user_id, reason="logged_out", message="You logged out. Log in again to go on."
        )
    return redirect(url_for("home.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response | tuple[str, int]:
    """Change the password; every other session and remember cookie of the account ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        key = accounts.normal_email(current_user.email)
        if not _may_try(key):
            form.current.errors = [*form.current.errors, TOO_MANY]
        else:
            try:
                user = accounts.change_password(
                    current_user.id, form.current.data or "", form.new.data or ""
                )
            except DomainError as refused:
                if refused.code == "wrong_password":
                    _failed(key)
                field = form.new if refused.code in accounts.PASSWORD_REFUSED else form.current
                field.errors = [*field.errors, refused.message]
            else:
                evict.close_consoles(
                    user.id,
                    reason="password_changed",
                    message="Your password was changed. Log in again to go on.",
                )
                # This browser stays logged in, under the new version; it keeps
                # a remember cookie only if it had one.
                remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
                login_user(user, remember=remembered in request.cookies)
                flash("Your password is changed. You were logged out everywhere else.")
                return redirect(url_for("canvas.dashboard"))
    status = 400 if form.errors else 200
    return render_template("auth/password.html", form=form), status
