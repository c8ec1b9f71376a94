"""The built-in method: four questions of Self, two of the World, two of values."""

from __future__ import annotations

from collections import Counter

from workshop.method import METHODS, SELF_AND_WORLD, Section, get_method

CANVAS = {"motivation", "purpose", "must_haves", "can_dos", "sphere", "vision", "values"}


def test_the_method_asks_four_of_self_two_of_the_world_and_two_of_values() -> None:
    sections = Counter(q.section for q in SELF_AND_WORLD.questions)
    assert sections == {Section.SELF: 4, Section.WORLD: 2, Section.VALUES: 2}
    order = [q.section for q in SELF_AND_WORLD.questions]
    assert order == sorted(order, key=list(Section).index), "Self, then World, then values"


def test_every_question_feeds_a_canvas_field_and_every_field_is_fed() -> None:
    fields = {f.key for f in SELF_AND_WORLD.fields}
    assert fields == CANVAS
    fed = [q.field for q in SELF_AND_WORLD.questions]
    assert set(fed) == CANVAS
    assert fed[:6] == ["motivation", "purpose", "must_haves", "can_dos", "sphere", "vision"]


def test_the_values_step_keeps_ours_and_the_partners_apart() -> None:
    values = [q for q in SELF_AND_WORLD.questions if q.field == "values"]
    assert [q.facet for q in values] == ["ours", "shared"]


def test_every_question_has_a_prompt_a_hint_and_a_unique_key() -> None:
    keys = [q.key for q in SELF_AND_WORLD.questions]
    assert len(keys) == len(set(keys))
    for question in SELF_AND_WORLD.questions:
        assert question.prompt.endswith("?")
        assert 20 <= len(question.hint) <= 300


def test_methods_are_looked_up_by_key() -> None:
    assert get_method("self-and-world") is SELF_AND_WORLD
    assert METHODS[SELF_AND_WORLD.key].name == "Partnership strategy: Self and World"
    assert SELF_AND_WORLD.field("purpose").label == "Strategic purpose"
