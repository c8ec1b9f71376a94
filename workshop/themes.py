"""Themes' rules: what a scope is, what a label may be, and how many of each.

Plain Python: services/themes.py stores themes, realtime/theme_views.py shows them.
A scope names the answers a theme gathers: one question's (`question:12`) or those of
every question that feeds one canvas field (`field:motivation`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ValidationError
from .text import clean

LABEL_MAX = 120
# A scope holds at most this many themes (a question of 2,000 answers gives about 40).
THEMES_MAX = 200
# Answers moved by one request: a whole question's.
MOVE_MAX = 2000
SUGGESTED, ACCEPTED = "suggested", "accepted"
STATUSES = (SUGGESTED, ACCEPTED)
_SCOPE = re.compile(r"^(question):([1-9][0-9]{0,9})$|^(field):([a-z_]{1,40})$")


@dataclass(frozen=True, slots=True)
class Scope:
    """A question's answers (`question_id`) or a canvas field's (`field`)."""

    question_id: int | None = None
    field: str | None = None

    @property
    def key(self) -> str:
        return f"question:{self.question_id}" if self.question_id else f"field:{self.field}"


def parse_scope(value: str) -> Scope:
    """Return the scope that `value` names, or raise ValidationError."""
    found = _SCOPE.match(value)
    if found is None:
        raise ValidationError("A scope is 'question:<id>' or 'field:<key>'.")
    if found.group(1):
        return Scope(question_id=int(found.group(2)))
    return Scope(field=found.group(4))


def label_text(value: str) -> str:
    """Return a cleaned theme label, or raise ValidationError when empty or too long."""
    label = clean(value, label="A theme's name")
    if not label:
        raise ValidationError("Give the theme a name.")
    if len(label) > LABEL_MAX:
        raise ValidationError(
            f"A theme's name is at most {LABEL_MAX} characters; this one is {len(label)}.",
            code="too_long",
        )
    return label


def short_label(label: str) -> str:
    """Return an engine's label cut to fit the column, at a word, with an ellipsis."""
    label = clean(label) or "Theme"
    if len(label) <= LABEL_MAX:
        return label
    return label[: LABEL_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
