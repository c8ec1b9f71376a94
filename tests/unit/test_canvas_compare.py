"""Comparing two canvas versions, and the rules a canvas field's content follows."""

from __future__ import annotations

import pytest

from workshop import canvas
from workshop.errors import ValidationError


def doc(**statements: str) -> dict:
    return {
        "fields": [{"key": k, "label": k.title(), "statement": v} for k, v in statements.items()]
    }


def test_a_word_diff_marks_only_what_changed() -> None:
    parts = canvas.word_diff(
        "Fresh food in every school.", "Fresh local food in every school by 2028."
    )
    added = [text.strip() for op, text in parts if op == "added"]
    assert added == ["local", "by 2028"]
    assert not [p for p in parts if p[0] == "removed"]
    assert "".join(t for op, t in parts if op != "added") == "Fresh food in every school."
    assert (
        "".join(t for op, t in parts if op != "removed")
        == "Fresh local food in every school by 2028."
    )


def test_compare_flags_changed_fields_only() -> None:
    changes = canvas.compare(doc(vision="A", sphere="North"), doc(vision="B", sphere="North"))
    assert [(c.key, c.changed) for c in changes] == [("vision", True), ("sphere", False)]


def test_a_purpose_change_counts_as_a_change() -> None:
    before = {"fields": [{"key": "purpose", "label": "P", "statement": "", "purpose": "viability"}]}
    after = {"fields": [{"key": "purpose", "label": "P", "statement": "", "purpose": "both"}]}
    assert canvas.compare(before, after)[0].changed


def test_value_lists_are_cleaned_deduplicated_and_bounded() -> None:
    assert canvas.value_items([" Honesty ", "honesty", "Care"]) == ["Honesty", "Care"]
    with pytest.raises(ValidationError):
        canvas.value_items(["x"] * 13)
    with pytest.raises(ValidationError):
        canvas.value_items(["  "])
    with pytest.raises(ValidationError):
        canvas.value_items(["v" * 81])


def test_purpose_and_facets_accept_only_their_words() -> None:
    assert canvas.purpose_kind("momentum") == "momentum"
    assert canvas.purpose_kind(None) is None
    with pytest.raises(ValidationError):
        canvas.purpose_kind("growth")
    with pytest.raises(ValidationError):
        canvas.facet("theirs")


def test_a_statement_may_be_cleared_but_not_overlong() -> None:
    assert canvas.statement_text("  \x00 ") == ""
    with pytest.raises(ValidationError):
        canvas.statement_text("s" * 2001)
