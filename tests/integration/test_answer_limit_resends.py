"""Only stored answers count against the answer limit: a resent outbox gets in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.people import Person, Room


@pytest.fixture
def answering(room: Room) -> tuple[Room, Person, int]:
    console = room.console()
    ana = room.phone("Ana")
    console.send("workshop:start")
    question_id = console.send("console:join", {"workshop_id": room.workshop_id})["state"][
        "questions"
    ][0]["id"]
    return room, ana, question_id


def send(phone: Person, question_id: int, n: int) -> dict[str, Any]:
    return phone.send(
        "answer:submit", {"question_id": question_id, "text": f"Idea {n}", "client_key": f"k{n}"}
    )


def test_resending_answers_already_stored_never_counts(answering, clock) -> None:
    room, ana, question_id = answering
    assert all(send(ana, question_id, n)["ok"] for n in range(10))

    # Back from an outage, the phone sends its whole outbox again, acknowledged or not.
    resent = [send(ana, question_id, n) for n in range(10)]

    assert all(a["ok"] and a["duplicate"] for a in resent)
    assert len(room.answers()) == 10


def test_a_rate_limited_answer_says_when_to_come_back_and_then_gets_in(answering, clock) -> None:
    room, ana, question_id = answering
    for n in range(10):
        send(ana, question_id, n)

    refused = send(ana, question_id, 10)
    assert refused["error"]["code"] == "rate_limited"
    clock.advance(refused["error"]["details"]["retry_after"] + 0.01)

    assert send(ana, question_id, 10)["ok"]
    assert [text for _, text in room.answers()][-1] == "Idea 10"


def test_refused_sends_do_not_use_up_the_limit(answering, clock) -> None:
    _, ana, question_id = answering
    for n in range(12):
        # Valid as a message, refused by the service: nothing is stored, nothing counts.
        blank = ana.send(
            "answer:submit", {"question_id": question_id, "text": "   ", "client_key": f"x{n}"}
        )
        assert blank["error"]["code"] == "empty", blank

    assert all(send(ana, question_id, n)["ok"] for n in range(10))
