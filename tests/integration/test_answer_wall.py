"""The projector's answer wall: the facilitator turns its pages, sets their pace, spotlights one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.people import Person, Room


@dataclass
class Wall:
    console: Person
    screen: Person
    phone: Person
    answer_id: int


@pytest.fixture
def wall(room: Room) -> Wall:
    """A room on its first question, with one answer revealed on the projector."""
    console, screen, phone = room.console(), room.screen(), room.phone("Ana")
    console.send("workshop:start")
    question_id = console.send("console:join", {"workshop_id": room.workshop_id})["state"][
        "questions"
    ][0]["id"]
    ack = phone.send(
        "answer:submit",
        {"question_id": question_id, "text": "Reach new markets", "client_key": "k1"},
    )
    console.send("answers:reveal", {"revealed": True})
    for person in (console, screen, phone):
        person.received()
    return Wall(console, screen, phone, ack["answer"]["id"])


def screen_wall(room: Room, wall: Wall) -> dict:
    """The wall as a projector that joins now sees it."""
    state = wall.screen.send("screen:join", {"token": room.screen_token})["state"]
    return state["wall"]


def test_turning_the_wall_reaches_the_console_and_the_projector_and_no_phone(wall: Wall) -> None:
    ack = wall.console.send("wall:turn", {"by": 1})

    assert ack["wall"] == {
        "page": 1,
        "rotate_seconds": 0,
        "spotlight": None,
        "show_as": "answers",
        "hidden_words": [],
    }
    assert [w["wall"]["page"] for w in wall.screen.events("wall")] == [1]
    assert [w["wall"]["page"] for w in wall.console.events("wall")] == [1]
    assert wall.phone.events("wall") == []


def test_the_wall_turns_back_past_its_first_page(wall: Wall) -> None:
    """The projector wraps the count round its pages: back from the first is the last."""
    assert wall.console.send("wall:turn", {"by": -1})["wall"]["page"] == -1


def test_the_projector_gets_the_spotlit_answer_without_its_author(room: Room, wall: Wall) -> None:
    wall.console.send("answer:spotlight", {"answer_id": wall.answer_id})

    [sent] = wall.screen.events("wall")
    assert sent["wall"]["spotlight"] == {"id": wall.answer_id, "text": "Reach new markets"}
    assert screen_wall(room, wall)["spotlight"] == {
        "id": wall.answer_id,
        "text": "Reach new markets",
    }
    assert [w["wall"]["spotlight"] for w in wall.console.events("wall")] == [wall.answer_id]


def test_hiding_the_spotlit_answer_takes_it_off_the_projector(room: Room, wall: Wall) -> None:
    wall.console.send("answer:spotlight", {"answer_id": wall.answer_id})
    wall.console.send("answer:hide", {"answer_id": wall.answer_id, "hidden": True})

    assert screen_wall(room, wall)["spotlight"] is None


def test_a_hidden_answer_cannot_be_spotlit(wall: Wall) -> None:
    wall.console.send("answer:hide", {"answer_id": wall.answer_id, "hidden": True})

    ack = wall.console.send("answer:spotlight", {"answer_id": wall.answer_id})

    assert "hidden" in ack["error"]["message"]


def test_only_an_answer_to_the_question_on_screen_can_be_spotlit(wall: Wall) -> None:
    wall.console.send("workshop:next")

    ack = wall.console.send("answer:spotlight", {"answer_id": wall.answer_id})

    assert "question on screen" in ack["error"]["message"]


def test_another_workshops_answer_cannot_be_spotlit(wall: Wall) -> None:
    ack = wall.console.send("answer:spotlight", {"answer_id": wall.answer_id + 1000})

    assert ack["error"]["code"] == "not_found"


def test_the_next_question_starts_on_the_first_page_with_no_spotlight(
    room: Room, wall: Wall
) -> None:
    wall.console.send("wall:turn", {"by": 3})
    wall.console.send("answer:spotlight", {"answer_id": wall.answer_id})
    wall.console.send("wall:rotate", {"seconds": 15})

    wall.console.send("workshop:next")

    # The pace is the facilitator's choice for the whole workshop; it stays.
    assert screen_wall(room, wall) == {
        "page": 0,
        "rotate_seconds": 15,
        "spotlight": None,
        "show_as": "answers",
    }


@pytest.mark.parametrize("seconds", [1, 4, 301, -5])
def test_the_wall_turns_at_a_sensible_pace(wall: Wall, seconds: int) -> None:
    ack = wall.console.send("wall:rotate", {"seconds": seconds})

    assert ack["ok"] is False
    assert ack["error"]["code"] == "invalid"


def test_a_phone_cannot_turn_the_wall(room: Room, wall: Wall) -> None:
    ack = wall.phone.send("wall:turn", {"by": 1})

    assert ack["ok"] is False
    assert screen_wall(room, wall)["page"] == 0
