"""A phone's bad answers get a clear error acknowledgement, and nothing changes."""

from __future__ import annotations

import pytest

from tests.people import Person, Room


@pytest.fixture
def started(room: Room) -> tuple[Room, Person, Person, int]:
    console, phone = room.console(), room.phone("Ana")
    console.send("workshop:start")
    question_id = phone.events("state")[0]["question"]["id"]
    room.drain()
    return room, console, phone, question_id


def refuse(room: Room, console: Person, phone: Person, payload: object, code: str) -> None:
    """Assert the phone's answer is refused with `code`, stores nothing and tells nobody."""
    before = room.answers()
    ack = phone.send("answer:submit", payload)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code
    assert ack["error"]["message"]
    assert room.answers() == before
    assert console.events("answer") == []


def test_an_empty_answer_is_refused(started) -> None:
    room, console, phone, question_id = started
    refuse(room, console, phone, {"question_id": question_id, "text": "  \n\t "}, "empty")
    refuse(room, console, phone, {"question_id": question_id, "text": "\x00\x07\u200b"}, "empty")


def test_an_oversized_answer_is_refused(started) -> None:
    room, console, phone, question_id = started
    refuse(room, console, phone, {"question_id": question_id, "text": "x" * 1001}, "too_long")
    refuse(room, console, phone, {"question_id": question_id, "text": "x" * 100_000}, "too_long")


def test_an_answer_of_exactly_the_limit_is_kept(started) -> None:
    room, _, phone, question_id = started
    assert phone.send("answer:submit", {"question_id": question_id, "text": "y" * 1000})["ok"]
    assert room.answers() == [("Ana", "y" * 1000)]


def test_an_answer_to_a_question_not_on_screen_is_refused(started) -> None:
    room, console, phone, question_id = started
    console.send("workshop:next")
    room.drain()
    refuse(
        room, console, phone, {"question_id": question_id, "text": "Too late"}, "answering_closed"
    )


def test_an_answer_after_answering_closed_is_refused(started) -> None:
    room, console, phone, question_id = started
    console.send("answering:set", {"open": False})
    room.drain()
    refuse(
        room, console, phone, {"question_id": question_id, "text": "Too late"}, "answering_closed"
    )


def test_an_answer_after_the_timer_ran_out_is_refused(started) -> None:
    from datetime import timedelta

    from workshop.extensions import db
    from workshop.models import Workshop, utcnow

    room, console, phone, question_id = started
    console.send("timer:start", {"seconds": 30})
    with room.app.app_context():
        workshop = db.session.get(Workshop, room.workshop_id)
        workshop.timer_ends_at = utcnow() - timedelta(seconds=3)
        db.session.commit()
    room.drain()
    refuse(
        room, console, phone, {"question_id": question_id, "text": "Too late"}, "answering_closed"
    )


def test_an_answer_to_another_workshops_question_is_refused(app, started) -> None:
    room, console, phone, _ = started
    other = Room(app, title="Other")
    try:
        other_console = other.console()
        other.phone("Zed")
        other_console.send("workshop:start")
        other_question = other_console.events("moved")[-1]["workshop"]
        foreign_id = other_console.send("console:join", {"workshop_id": other.workshop_id})[
            "state"
        ]["questions"][other_question["position"]]["id"]
        refuse(room, console, phone, {"question_id": foreign_id, "text": "Wrong room"}, "not_found")
        assert other.answers() == []
    finally:
        other.close()


def test_an_answer_before_the_workshop_starts_is_refused(room: Room) -> None:
    console, phone = room.console(), room.phone("Ana")
    question_id = console.join_ack["state"]["questions"][0]["id"]
    refuse(room, console, phone, {"question_id": question_id, "text": "Early"}, "answering_closed")


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (None, "invalid"),
        ("just text", "invalid"),
        (["a", "list"], "invalid"),
        ({"text": "no question"}, "invalid"),
        ({"question_id": "1", "text": "id as text"}, "invalid"),
        ({"question_id": True, "text": "id as boolean"}, "invalid"),
        ({"question_id": 1, "text": 42}, "invalid"),
        ({"question_id": 1, "text": "extra", "hidden": True}, "invalid"),
        ({"question_id": 1, "text": "key too long", "client_key": "k" * 65}, "too_long"),
    ],
)
def test_a_malformed_answer_is_refused(started, payload: object, code: str) -> None:
    room, console, phone, _ = started
    refuse(room, console, phone, payload, code)


def test_editing_or_deleting_someone_elses_answer_is_refused(started) -> None:
    room, console, ana, question_id = started
    ben = room.phone("Ben")
    answer = ana.send("answer:submit", {"question_id": question_id, "text": "Mine"})["answer"]
    room.drain()

    edit = ben.send("answer:edit", {"answer_id": answer["id"], "text": "Yours now"})
    delete = ben.send("answer:delete", {"answer_id": answer["id"]})

    assert edit["error"]["code"] == delete["error"]["code"] == "not_found"
    assert room.answers() == [("Ana", "Mine")]
    assert console.received() == []


def test_editing_after_answering_closed_is_refused(started) -> None:
    room, console, phone, question_id = started
    answer = phone.send("answer:submit", {"question_id": question_id, "text": "Draft"})["answer"]
    console.send("answering:set", {"open": False})

    edit = phone.send("answer:edit", {"answer_id": answer["id"], "text": "Changed"})
    delete = phone.send("answer:delete", {"answer_id": answer["id"]})

    assert edit["error"]["code"] == delete["error"]["code"] == "answering_closed"
    assert room.answers() == [("Ana", "Draft")]


def test_a_phone_may_send_twenty_answers_to_a_question_and_no_more(started, clock) -> None:
    room, _, phone, question_id = started
    for n in range(20):
        clock.advance(1.1)  # slower than the rate limit, so only the per-question cap applies
        assert phone.send("answer:submit", {"question_id": question_id, "text": f"idea {n}"})["ok"]
    clock.advance(1.1)
    over = phone.send("answer:submit", {"question_id": question_id, "text": "one more"})
    assert over["error"]["code"] == "limit_reached"
    assert len(room.answers()) == 20
