"""Input out of bounds gets a clear refusal, never a server error, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.integration.test_authorization_matrix import database
from tests.people import Room, post_form

LONE = "\ud800"  # half of a UTF-16 pair: valid in JSON and in a Python str, not in UTF-8
HUGE = 99999999999999999999999


@pytest.fixture
def live(room: Room, clock):  # type: ignore[no-untyped-def]
    console, phone = room.console(), room.phone("Ana")
    console.send("workshop:start")
    question_id = console.send("console:join", {"workshop_id": room.workshop_id})["state"][
        "questions"
    ][0]["id"]
    answer = phone.send("answer:submit", {"question_id": question_id, "text": "Reach"})
    return room, console, phone, question_id, answer["answer"]["id"]


def surrogate_cases(room: Room, question_id: int, answer_id: int) -> list[tuple[str, str, Any]]:
    join = {"workshop_id": room.workshop_id, "code": room.code, "name": "Cem"}
    return [
        ("phone", "answer:submit", {"question_id": question_id, "text": f"Reach{LONE}"}),
        ("phone", "answer:submit", {"question_id": question_id, "text": "Ok", "client_key": LONE}),
        ("phone", "answer:edit", {"answer_id": answer_id, "text": LONE}),
        ("new", "screen:join", {"token": room.screen_token + LONE}),
        ("new", "phone:join", {**join, "name": f"Ana{LONE}", "join_key": "k" * 20}),
        ("new", "phone:join", {**join, "name": "Ben", "join_key": "k" * 20 + LONE}),
        ("new", "phone:join", {**join, "code": room.code + LONE, "join_key": "c" * 20}),
        ("new", "phone:join", {"workshop_id": room.workshop_id, "token": f"1.{LONE}"}),
    ]


def test_a_lone_surrogate_in_any_phone_or_join_field_is_refused_as_invalid(live) -> None:  # type: ignore[no-untyped-def]
    room, _, phone, question_id, answer_id = live
    for sender, event, payload in surrogate_cases(room, question_id, answer_id):
        person = phone.socket if sender == "phone" else room._connect(room.app.test_client())
        before = database(room.app)
        ack = person.emit(event, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", (event, payload, ack)
        assert "lone surrogate" in ack["error"]["message"], ack
        assert database(room.app) == before, event


def test_a_lone_surrogate_in_the_canvas_is_refused_as_invalid(live) -> None:  # type: ignore[no-untyped-def]
    _, console, _, _, _ = live
    console.send("workshop:synthesis")
    for event, payload in [
        ("canvas:statement", {"field": "vision", "text": f"Fresh{LONE}", "version": 0}),
        ("canvas:values", {"facet": "ours", "items": ["Honesty", LONE], "version": 0}),
    ]:
        ack = console.send(event, payload)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", (event, ack)
        assert "lone surrogate" in ack["error"]["message"], ack


def test_a_lone_surrogate_in_a_form_is_refused_with_a_message(app: Flask) -> None:
    from workshop.errors import ValidationError
    from workshop.text import required_text

    # Forms arrive URL-encoded as UTF-8, so a browser cannot send one; the shared
    # cleaning refuses it all the same, for every caller (imports included).
    with pytest.raises(ValidationError, match="The title holds an invalid character"):
        required_text(f"Plan{LONE}", label="The title", limit=120)


def test_a_huge_id_over_the_socket_is_refused_as_invalid(live) -> None:  # type: ignore[no-untyped-def]
    _, console, phone, _, _ = live
    for person, event, payload in [
        (console, "console:join", {"workshop_id": 2**31}),
        (console, "answer:hide", {"answer_id": 2**40, "hidden": True}),
        (phone, "answer:submit", {"question_id": 2**31, "text": "Reach"}),
    ]:
        ack = person.send(event, payload)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", (event, ack)


@pytest.mark.parametrize(
    "path",
    [
        f"/workshops/{HUGE}/canvas",
        f"/workshops/{2**31}/console",
        f"/workshops/{HUGE}/export.json",
        f"/workshops/{HUGE}/canvas.json",
        f"/workshops/{HUGE}/answers.csv",
        f"/workshops/{HUGE}/words.csv",
        f"/teams/{HUGE}",
    ],
)
def test_a_huge_id_in_an_address_is_not_found(room: Room, path: str) -> None:
    response = room.facilitator_browser.get(path)
    assert response.status_code == 404, response.status_code


def test_a_form_post_over_a_megabyte_is_refused_unread(app: Flask) -> None:
    browser = app.test_client()
    response = browser.post("/login", data={"email": "a@example.org", "password": "x" * 2_000_000})
    assert response.status_code == 413
    assert b"too large" in response.data
    assert (
        post_form(browser, "/login", {"email": "a@example.org", "password": "x"}).status_code < 500
    )
