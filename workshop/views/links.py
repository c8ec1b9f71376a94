"""The links people follow into a workshop, and its QR code."""

from __future__ import annotations

import io

import segno
from flask import current_app, url_for

from ..models import Workshop


def join_url(workshop: Workshop) -> str:
    """Return the address a phone opens to join, as printed under the QR code."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base + url_for("phone.join", code=workshop.join_code)
    return url_for("phone.join", code=workshop.join_code, _external=True)


def short_join_url(workshop: Workshop) -> str:
    """Return the join address without the scheme, for people to type."""
    return join_url(workshop).split("://", 1)[-1]


def qr_svg(workshop: Workshop) -> str:
    """Return the join QR code as an inline SVG that scales to any size."""
    qr = segno.make(join_url(workshop), error="m", micro=False)
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        scale=1,
        border=2,
        dark="#000",
        light="#fff",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        title=f"QR code to join {workshop.title}",
        svgclass="qr",
    )
    return out.getvalue().decode()
