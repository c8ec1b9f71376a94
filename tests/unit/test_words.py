"""The word cloud's counting: variants as one word, small words dropped, one count per answer."""

from __future__ import annotations

from workshop.words import cloud, terms


def labels(texts: list[str], hidden: tuple[str, ...] = ()) -> dict[str, int]:
    return {w.label: w.count for w in cloud(texts, hidden)}


def test_a_short_answer_counts_whole_as_its_phrase() -> None:
    assert labels(["Open doors", "open doors", "Respect for people"]) == {
        "open doors": 2,
        "respect for people": 1,
    }


def test_a_long_answer_gives_its_words_without_the_small_ones() -> None:
    assert [label for _, label in terms("We want to reach the schools and the councils")] == [
        "reach",
        "schools",
        "councils",
    ]


def test_variants_count_as_one_word_read_as_most_people_wrote_it() -> None:
    assert labels(["Partners", "partners", "partner"]) == {"partners": 3}
    assert labels(["partner", "a partner who shares our goals", "Partners"]) == {
        "partner": 3,
        "shares": 1,
        "goals": 1,
    }


def test_a_word_counts_once_per_answer() -> None:
    assert labels(["trust trust trust trust", "Trust"]) == {"trust": 2}


def test_french_spanish_and_german_small_words_are_dropped_too() -> None:
    assert [label for _, label in terms("Nous voulons la confiance avec les écoles")] == [
        "voulons",
        "confiance",
        "écoles",
    ]
    assert [label for _, label in terms("Queremos la confianza de las escuelas")] == [
        "confianza",
        "escuelas",
    ]
    assert [label for _, label in terms("Wir wollen das Vertrauen der Schulen")] == [
        "vertrauen",
        "schulen",
    ]


def test_an_elided_article_is_no_part_of_the_word() -> None:
    assert labels(["L\u2019équipe d\u2019abord", "l'équipe d'abord"]) == {"équipe abord": 2}


def test_words_the_facilitator_hid_are_left_out() -> None:
    words = cloud(["Trust", "Honesty", "trust"])
    trust = next(w.key for w in words if w.label == "trust")
    assert labels(["Trust", "Honesty", "trust"], (trust,)) == {"honesty": 1}


def test_the_most_used_come_first_and_ties_read_alphabetically() -> None:
    assert [w.label for w in cloud(["care", "trust", "honesty", "trust"])] == [
        "trust",
        "care",
        "honesty",
    ]


def test_numbers_punctuation_and_empty_answers_give_nothing() -> None:
    assert cloud(["", "   ", "42", "!!!", "a"]) == []
