"""Join codes people can read off a projector, and text cleaned before it is kept."""

from __future__ import annotations

import pytest

from workshop.codes import JOIN_ALPHABET, new_join_code, new_token, normalise_join_code
from workshop.errors import ValidationError
from workshop.text import clean, optional_text, required_text


def test_join_codes_have_six_characters_without_look_alikes() -> None:
    assert not set("0O1IL") & set(JOIN_ALPHABET)
    codes = {new_join_code() for _ in range(500)}
    assert len(codes) > 490
    assert all(len(c) == 6 and set(c) <= set(JOIN_ALPHABET) for c in codes)


@pytest.mark.parametrize("typed", ["abc234", "ABC 234", "abc-234", " AbC234 "])
def test_a_typed_code_is_read_generously(typed: str) -> None:
    assert normalise_join_code(typed) == "ABC234"


@pytest.mark.parametrize("typed", ["", "ABC23", "ABC2345", "ABC10O", "ABC23!"])
def test_a_code_that_cannot_exist_is_rejected(typed: str) -> None:
    assert normalise_join_code(typed) is None


def test_tokens_are_long_and_distinct() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(t) >= 32 for t in tokens)


def test_cleaning_strips_controls_and_invisible_characters() -> None:
    assert clean(" a\x00b\u202ec\u200b ") == "abc"
    assert (
        clean("line one\r\nline two\n\n\n\nthree", multiline=True) == "line one\nline two\n\nthree"
    )
    assert clean("  many   spaces\nand lines ") == "many spaces and lines"


def test_required_text_refuses_empty_and_too_long() -> None:
    with pytest.raises(ValidationError) as empty:
        required_text("\x07 ", label="Your answer", limit=10)
    assert empty.value.code == "empty"
    with pytest.raises(ValidationError) as long:
        required_text("x" * 11, label="Your answer", limit=10)
    assert long.value.code == "too_long" and "10" in long.value.message
    assert required_text(" ok ", label="Your answer", limit=10) == "ok"


def test_optional_text_turns_blank_into_none() -> None:
    assert optional_text(None, label="Name", limit=40) is None
    assert optional_text("   ", label="Name", limit=40) is None
    assert optional_text(" Ana ", label="Name", limit=40) == "Ana"
