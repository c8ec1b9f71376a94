"""The strategy canvas as a document: its rules, and comparing two versions.

Plain Python: the service layer stores it, the views and exports show it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from .errors import ValidationError
from .text import clean, required_text

SCHEMA = "partnership-canvas/1"
STATEMENT_MAX = 2000
VALUE_ITEM_MAX = 80
VALUE_ITEMS_MAX = 12
PURPOSES = {
    "viability": "Viability: we cannot get there without partners",
    "momentum": "Momentum: partners make our work last and spread",
    "both": "Both viability and momentum",
}
VALUE_FACETS = {"ours": "Our values", "shared": "Values a partner must share"}
REACTIONS = ("agree", "concern")

Document = dict[str, Any]


def statement_text(value: str) -> str:
    """Return a cleaned statement; an empty statement clears the field."""
    text = clean(value, multiline=True)
    if len(text) > STATEMENT_MAX:
        raise ValidationError(
            f"A statement is at most {STATEMENT_MAX} characters; this one is {len(text)}.",
            code="too_long",
        )
    return text


def purpose_kind(value: str | None) -> str | None:
    """Return a checked strategic purpose, or None to clear it."""
    if value is None or value in PURPOSES:
        return value
    raise ValidationError("Strategic purpose is viability, momentum or both.")


def value_items(values: list[Any]) -> list[str]:
    """Return a short list of values, cleaned, without blanks or repeats."""
    if len(values) > VALUE_ITEMS_MAX:
        raise ValidationError(f"Keep each list of values to {VALUE_ITEMS_MAX} or fewer.")
    kept: list[str] = []
    for value in values:
        item = required_text(value, label="A value", limit=VALUE_ITEM_MAX)
        if item.casefold() not in {k.casefold() for k in kept}:
            kept.append(item)
    return kept


def facet(value: str) -> str:
    if value not in VALUE_FACETS:
        raise ValidationError("A values list is either 'ours' or 'shared'.")
    return value


@dataclass(frozen=True, slots=True)
class FieldChange:
    """How one field differs between two versions."""

    key: str
    label: str
    changed: bool
    # Each part is (op, text): op is "same", "added" or "removed".
    statement: list[tuple[str, str]]
    before: Document
    after: Document


# Words, runs of punctuation and runs of space, so "school." -> "school by 2028." adds two words.
_WORDS = re.compile(r"\w+|[^\w\s]+|\s+")


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Return the words of `before` and `after` marked same, removed or added."""
    a, b = _WORDS.findall(before), _WORDS.findall(after)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("added", "".join(b[j1:j2])))
    return parts


def _comparable(field: Document) -> tuple[Any, ...]:
    return (
        field.get("statement", ""),
        field.get("purpose"),
        field.get("values"),
        [(t["label"], len(t.get("sources", []))) for t in field.get("themes", [])],
        [(v["title"], v["status"], v["items"]) for v in field.get("votes", [])],
    )


def compare(before: Document, after: Document) -> list[FieldChange]:
    """Return each field of two canvas documents side by side, with the changes marked."""
    old = {f["key"]: f for f in before["fields"]}
    changes = []
    for field in after["fields"]:
        previous = old.get(field["key"], {"statement": "", "key": field["key"]})
        changes.append(
            FieldChange(
                key=field["key"],
                label=field["label"],
                changed=_comparable(previous) != _comparable(field),
                statement=word_diff(previous.get("statement", ""), field.get("statement", "")),
                before=previous,
                after=field,
            )
        )
    return changes
