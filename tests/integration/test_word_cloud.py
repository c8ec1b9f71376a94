"""Word clouds: counted live from the answers, revealed like them, pruned by the facilitator."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest

from tests.people import Person, Room


@dataclass
class Cloud:
    room: Room
    console: Person
    screen: Person
    phones: list[Person]
    question_id: int

    def answer(self, phone: int, text: str) -> int:
        ack = self.phones[phone].send(
            "answer:submit", {"question_id": self.question_id, "text": text}
        )
        assert ack["ok"], ack
        return ack["answer"]["id"]

    def state(self, person: Person, event: str, payload: dict) -> dict:
        return person.send(event, payload)["state"]


@pytest.fixture
def values(room: Room) -> Cloud:
    """The room on the method's first values question, which shows as a cloud by itself."""
    console, screen = room.console(), room.screen()
    phones = [room.phone(name) for name in ("Ana", "Ben", "Cy")]
    state = console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    position = next(q["position"] for q in state["questions"] if q["section"] == "values")
    console.send("workshop:start")
    console.send("workshop:goto", {"position": position})
    cloud = Cloud(room, console, screen, phones, state["questions"][position]["id"])
    cloud.answer(0, "Trust")
    cloud.answer(1, "trust")
    cloud.answer(2, "Honesty, and the trust of our partners")
    for person in (console, screen, *phones):
        person.received()
    return cloud


def console_cloud(cloud: Cloud) -> dict:
    return cloud.state(cloud.console, "console:join", {"workshop_id": cloud.room.workshop_id})[
        "cloud"
    ]


def screen_cloud(cloud: Cloud) -> dict | None:
    return cloud.state(cloud.screen, "screen:join", {"token": cloud.room.screen_token})["cloud"]


def counted(view: dict) -> dict[str, int]:
    return {w["label"]: w["count"] for w in view["words"]}


def test_the_values_questions_show_as_a_cloud_of_who_said_what(values: Cloud) -> None:
    view = console_cloud(values)

    assert view["answers"] == 3
    assert counted(view) == {"trust": 3, "honesty": 1, "partners": 1}


def test_the_projector_sees_the_cloud_only_once_revealed(values: Cloud) -> None:
    assert screen_cloud(values) is None

    values.console.send("answers:reveal", {"revealed": True})

    assert counted(screen_cloud(values)) == {"trust": 3, "honesty": 1, "partners": 1}


def test_a_new_answer_reaches_the_console_and_the_projector_as_a_new_cloud(values: Cloud) -> None:
    values.console.send("answers:reveal", {"revealed": True})
    values.console.received()
    values.screen.received()

    values.answer(0, "Honesty")

    for person in (values.console, values.screen):
        [latest] = person.events("cloud")[-1:]
        assert counted(latest)["honesty"] == 2
    assert values.phones[1].events("cloud") == []


def test_a_hidden_answer_leaves_the_cloud(values: Cloud) -> None:
    honest = values.answer(0, "Respect")
    values.console.send("answer:hide", {"answer_id": honest, "hidden": True})

    assert "respect" not in counted(console_cloud(values))


def test_the_facilitator_takes_a_word_out_and_puts_it_back(values: Cloud) -> None:
    values.console.send("answers:reveal", {"revealed": True})
    key = next(w["key"] for w in console_cloud(values)["words"] if w["label"] == "partners")

    ack = values.console.send("cloud:hide_word", {"key": key, "hidden": True})

    assert ack["wall"]["hidden_words"] == [key]
    assert "partners" not in counted(screen_cloud(values))
    assert [w["label"] for w in console_cloud(values)["hidden"]] == ["partners"]
    assert "hidden" not in screen_cloud(values)
    values.console.send("cloud:hide_word", {"key": key, "hidden": False})
    assert counted(screen_cloud(values))["partners"] == 1


def test_any_question_can_show_as_a_cloud_and_back(values: Cloud) -> None:
    values.console.send("workshop:goto", {"position": 0})
    assert console_cloud(values) is None

    ack = values.console.send("wall:show", {"show_as": "cloud"})

    assert ack["wall"]["show_as"] == "cloud"
    assert console_cloud(values) == {
        "question_id": ack_question(values),
        "answers": 0,
        "words": [],
        "hidden": [],
    }
    assert values.console.send("wall:show", {"show_as": "answers"})["wall"]["show_as"] == "answers"


def ack_question(cloud: Cloud) -> int:
    state = cloud.state(cloud.console, "console:join", {"workshop_id": cloud.room.workshop_id})
    return state["questions"][state["workshop"]["position"]]["id"]


@pytest.mark.parametrize("show_as", ["bars", "", "CLOUD"])
def test_the_answers_show_as_cards_or_a_cloud_and_nothing_else(values: Cloud, show_as: str) -> None:
    ack = values.console.send("wall:show", {"show_as": show_as})

    assert ack["error"]["code"] == "invalid"


def test_the_export_lists_every_word_of_every_cloud_most_used_first(values: Cloud) -> None:
    key = next(w["key"] for w in console_cloud(values)["words"] if w["label"] == "partners")
    values.console.send("cloud:hide_word", {"key": key, "hidden": True})
    facilitator = values.room.facilitator_browser
    response = facilitator.get(f"/workshops/{values.room.workshop_id}/words.csv")

    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))

    assert response.mimetype == "text/csv"
    assert [(r["rank"], r["word"], r["answers"], r["taken_out"]) for r in rows] == [
        ("1", "trust", "3", "no"),
        ("2", "honesty", "1", "no"),
        ("3", "partners", "1", "yes"),
    ]
