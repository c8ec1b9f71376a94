"""Dot votes' rules: what can be voted on, how many dots, and what a person may place.

Plain Python: services/votes.py stores votes and dots, realtime/vote_views.py shows them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .canvas import statement_text
from .errors import ValidationError
from .text import clean

KINDS = ("themes", "answers", "statements")
DOTS_DEFAULT, DOTS_MAX = 3, 10
ITEMS_MIN, ITEMS_MAX = 2, 60
STATEMENTS_MAX = 5
TITLE_MAX = 200
OPEN, CLOSED = "open", "closed"
# An item's id as a JSON key: ASCII digits only (str.isdigit takes "²" and other scripts' digits).
_ITEM_KEY = re.compile(r"[1-9][0-9]{0,9}")
TITLES = {
    "themes": "Which themes matter most to us?",
    "answers": "Which of these answers matter most?",
    "statements": "Which statement says it best?",
}


def kind(value: str) -> str:
    """Return a checked kind of vote, or raise ValidationError."""
    if value not in KINDS:
        raise ValidationError("Vote on themes, answers or statements.")
    return value


def title_text(value: str | None, of_kind: str) -> str:
    """Return the vote's question: the facilitator's, cleaned, or the kind's own."""
    title = clean(value or "", label="The vote's question")
    if len(title) > TITLE_MAX:
        raise ValidationError(
            f"A vote's question is at most {TITLE_MAX} characters; this one is {len(title)}.",
            code="too_long",
        )
    return title or TITLES[of_kind]


def dots_each(value: int | None) -> int:
    """Return how many dots each person has (3 unless said), from 1 to DOTS_MAX."""
    dots = DOTS_DEFAULT if value is None else value
    if not 1 <= dots <= DOTS_MAX:
        raise ValidationError(f"Each person has from 1 to {DOTS_MAX} dots.")
    return dots


def statements(values: list[str] | None) -> list[str]:
    """Return the facilitator's candidate statements, cleaned, without blanks or repeats."""
    found: list[str] = []
    for value in values or []:
        text = statement_text(value)
        if text and text not in found:
            found.append(text)
    if not ITEMS_MIN <= len(found) <= STATEMENTS_MAX:
        raise ValidationError(
            f"Draft from {ITEMS_MIN} to {STATEMENTS_MAX} different statements to vote on."
        )
    return found


def item_count(count: int, what: str) -> None:
    """Refuse a vote with too few or too many items, saying what to do instead."""
    if count < ITEMS_MIN:
        raise ValidationError(f"A vote needs at least {ITEMS_MIN} {what} to choose from.")
    if count > ITEMS_MAX:
        raise ValidationError(
            f"A vote holds at most {ITEMS_MAX} items, and there are {count} {what}: "
            "gather the answers into themes and vote on those."
        )


def allocation(raw: Mapping[str, Any], items: set[int], dots: int, stack: bool) -> dict[int, int]:
    """Return a person's dots by item id, checked against the vote, or raise ValidationError.

    `raw` maps item ids (as JSON keys: text) to whole numbers; zeros are dropped.
    """
    placed: dict[int, int] = {}
    for key, count in raw.items():
        if not (isinstance(key, str) and _ITEM_KEY.fullmatch(key) and int(key) in items):
            raise ValidationError("That is not an item of this vote.", code="not_found")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValidationError("Place a whole number of dots on an item.")
        if count > (dots if stack else 1):
            raise ValidationError(
                "Put each dot on a different item." if not stack else f"You have {dots} dots."
            )
        if count:
            placed[int(key)] = count
    total = sum(placed.values())
    if total > dots:
        raise ValidationError(
            f"You have {dots} dots, and this places {total}: take one off first.",
            code="over_budget",
        )
    return placed
