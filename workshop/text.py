"""Cleaning and bounding the text people type."""

from __future__ import annotations

import re
import unicodedata

from .errors import ValidationError

ANSWER_MAX = 1000
NAME_MAX = 40
TITLE_MAX = 120
ORGANISATION_MAX = 120

# C0 and C1 controls, except tab and newline, which multi-line answers keep.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi overrides and zero-width characters let one answer disguise itself as another.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def counted(count: int, one: str, many: str | None = None) -> str:
    """Return "1 character" or "2 characters": a count with its noun in the right number."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def encodable(text: str, *, label: str = "The text") -> str:
    """Return `text`, or raise ValidationError when it cannot be stored or sent as UTF-8.

    JSON lets a client send a lone UTF-16 surrogate ("\\ud800"); Python holds it in a
    str, and it fails later, in the database or the broadcast, as a server error.
    """
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as broken:
            raise ValidationError(
                f"{label} holds an invalid character (a lone surrogate) at position "
                f"{broken.start + 1}."
            ) from None
    return text


def clean(text: str, *, multiline: bool = False, label: str = "The text") -> str:
    """Return `text` normalised, without control characters, trimmed."""
    encodable(text, label=label)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", _CONTROLS.sub("", text))
    if not multiline:
        text = " ".join(text.split())
    else:
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def required_text(value: object, *, label: str, limit: int, multiline: bool = False) -> str:
    """Return cleaned, non-empty text no longer than `limit`, or raise ValidationError."""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.")
    text = clean(value, multiline=multiline, label=label)
    if not text:
        raise ValidationError(f"{label} cannot be empty.", code="empty")
    if len(text) > limit:
        # Say how much to cut, the way the phone's own counter says it.
        over = counted(len(text) - limit, "character")
        raise ValidationError(
            f"{label} is {over} too long (the limit is {limit}).", code="too_long"
        )
    return text


def optional_text(value: object, *, label: str, limit: int) -> str | None:
    """Return cleaned text, or None when it is missing or blank."""
    if value is None:
        return None
    if isinstance(value, str) and not clean(value, label=label):
        return None
    return required_text(value, label=label, limit=limit)
