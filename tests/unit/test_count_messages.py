"""Messages with a count say "1 character" and "2 characters", never "1 characters"."""

from __future__ import annotations

import pytest

from workshop.errors import ValidationError
from workshop.text import counted, required_text


def test_a_count_of_one_takes_the_singular_and_any_other_the_plural() -> None:
    assert counted(1, "character") == "1 character"
    assert [counted(n, "answer") for n in (0, 2, 12)] == ["0 answers", "2 answers", "12 answers"]
    assert counted(1, "person", "people") == "1 person"
    assert counted(3, "person", "people") == "3 people"


def test_text_one_character_too_long_says_so_in_the_singular() -> None:
    with pytest.raises(ValidationError) as refused:
        required_text("x" * 11, label="Your answer", limit=10)
    assert refused.value.message == "Your answer is 1 character too long (the limit is 10)."


def test_text_many_characters_too_long_says_how_many_to_cut() -> None:
    with pytest.raises(ValidationError) as refused:
        required_text("x" * 13, label="Your answer", limit=10)
    assert refused.value.message == "Your answer is 3 characters too long (the limit is 10)."
