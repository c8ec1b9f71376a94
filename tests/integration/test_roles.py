"""Who may do what: knowing a join code or a projector link never grants control."""

from __future__ import annotations

import pytest

from tests.people import Room

FACILITATOR_EVENTS = [
    ("workshop:start", None),
    ("workshop:next", None),
    ("workshop:previous", None),
    ("workshop:goto", {"position": 1}),
    ("answering:set", {"open": False}),
    ("answers:reveal", {"revealed": True}),
    ("answer:hide", {"answer_id": 1, "hidden": True}),
    ("timer:start", {"seconds": 60}),
    ("timer:stop", None),
    ("workshop:end", None),
]


@pytest.mark.parametrize(("event", "payload"), FACILITATOR_EVENTS)
def test_a_phone_cannot_drive_the_workshop(room: Room, event: str, payload: object) -> None:
    console, phone = room.console(), room.phone("Mallory")
    console.send("workshop:start")
    before = room.workshop()

    ack = phone.send(event, payload)

    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert room.workshop() == before


@pytest.mark.parametrize(("event", "payload"), FACILITATOR_EVENTS)
def test_the_projector_cannot_drive_the_workshop(room: Room, event: str, payload: object) -> None:
    screen = room.screen()
    before = room.workshop()

    ack = screen.send(event, payload)

    assert ack["error"]["code"] == "forbidden"
    assert room.workshop() == before


@pytest.mark.parametrize(("event", "payload"), FACILITATOR_EVENTS)
def test_a_socket_that_never_joined_can_do_nothing(room: Room, event: str, payload: object) -> None:
    from workshop.extensions import socketio

    stranger = socketio.test_client(room.app)
    before = room.workshop()

    ack = stranger.emit(event, payload or {}, callback=True)

    assert ack["error"]["code"] == "not_joined"
    assert room.workshop() == before
    stranger.disconnect()


def test_knowing_the_join_code_does_not_open_the_console(room: Room) -> None:
    phone = room.phone("Mallory")

    ack = phone.send("console:join", {"workshop_id": room.workshop_id})
    page = phone.browser.get(f"/workshops/{room.workshop_id}/console")

    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_a_phone_cannot_answer_as_someone_else(room: Room) -> None:
    from workshop.extensions import socketio

    console = room.console()
    room.phone("Ana")
    console.send("workshop:start")
    stranger = socketio.test_client(room.app)

    ack = stranger.emit("phone:join", {"workshop_id": room.workshop_id}, callback=True)

    assert ack["error"]["code"] == "not_found"
    stranger.disconnect()


def test_a_wrong_projector_token_is_refused(room: Room) -> None:
    from workshop.extensions import socketio

    stranger = socketio.test_client(room.app)
    ack = stranger.emit("screen:join", {"token": "not-the-token"}, callback=True)
    assert ack["error"]["code"] == "not_found"
    assert stranger.get_received() == []
    stranger.disconnect()


def test_one_socket_serves_one_workshop(room: Room) -> None:
    from tests.people import new_workshop

    second_id = new_workshop(room.app, room.facilitator_browser, "Second")
    console = room.console()

    ack = console.send("console:join", {"workshop_id": second_id})

    assert ack["error"]["code"] == "forbidden"
    assert console.send("workshop:start")["ok"]
    assert room.workshop()["phase"] == "questions"


def test_the_facilitator_cannot_move_past_the_ends(room: Room) -> None:
    console = room.console()
    assert console.send("workshop:next")["error"]["code"] == "invalid_transition"
    console.send("workshop:start")
    assert console.send("workshop:previous")["error"]["code"] == "invalid_transition"
    assert console.send("workshop:goto", {"position": 8})["error"]["code"] == "invalid_transition"
    console.send("workshop:goto", {"position": 7})
    assert console.send("workshop:next")["error"]["code"] == "invalid_transition"
    console.send("workshop:end")
    assert console.send("workshop:start")["error"]["code"] == "invalid_transition"
    assert room.workshop()["phase"] == "ended"


@pytest.mark.parametrize("seconds", [0, 9, 3601, -5])
def test_a_timer_out_of_range_is_refused(room: Room, seconds: int) -> None:
    console = room.console()
    console.send("workshop:start")
    ack = console.send("timer:start", {"seconds": seconds})
    assert ack["error"]["code"] == "invalid"
    assert room.workshop()["timer_ends_at"] is None
