"""Pages, one blueprint per audience."""

from __future__ import annotations

from flask import Flask, render_template

from .. import urls
from ..errors import DomainError
from . import auth, canvas, facilitator, home, phone, screen, teams, transfer

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    # Before the blueprints: their routes name the `id` converter.
    urls.init_app(app)
    for blueprint in (
        home.bp,
        auth.bp,
        teams.bp,
        facilitator.bp,
        canvas.bp,
        phone.bp,
        screen.bp,
        transfer.bp,
    ):
        app.register_blueprint(blueprint)

    @app.errorhandler(404)
    def not_found(_error: Exception) -> tuple[str, int]:
        return render_template(
            "error.html",
            title="Not found",
            message=(
                "There is nothing at this address. Check the link, or join with the code "
                "on the big screen."
            ),
        ), 404

    @app.errorhandler(403)
    def forbidden(_error: Exception) -> tuple[str, int]:
        return render_template(
            "error.html",
            title="Not allowed",
            message=("This page belongs to the facilitator who created the workshop."),
        ), 403

    @app.errorhandler(DomainError)
    def refused(error: DomainError) -> tuple[str, int]:
        return render_template("error.html", title="Not possible", message=error.message), (
            error.status
        )

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # No inline script or style anywhere: user text can never become code.
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response
