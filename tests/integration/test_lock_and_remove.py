"""The facilitator closes the door to new people, and removes someone who should not be there."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from tests.people import Person, Room, post_form
from workshop.extensions import socketio


def phone_socket(room: Room, browser: FlaskClient | None = None) -> SocketIOTestClient:
    """A phone that opened the join page and connected its socket."""
    browser = browser or room.app.test_client()
    assert browser.get(f"/j/{room.code}").status_code == 200
    return socketio.test_client(room.app, flask_test_client=browser)


def join(socket: SocketIOTestClient, room: Room, key: str) -> dict[str, Any]:
    payload = {"workshop_id": room.workshop_id, "code": room.code, "join_key": key, "name": key}
    return socket.emit("phone:join", payload, callback=True)


def rejoin(person: Person, room: Room) -> dict[str, Any]:
    """The same phone again on a new connection, with the token it kept."""
    socket = socketio.test_client(room.app, flask_test_client=person.browser)
    token = person.join_ack["rejoin_token"]
    return socket.emit(
        "phone:join", {"workshop_id": room.workshop_id, "token": token}, callback=True
    )


def test_a_locked_workshop_turns_new_people_away_with_a_clear_message(room: Room) -> None:
    console = room.console()
    assert console.send("workshop:lock_joining", {"locked": True}) == {
        "ok": True,
        "joining_locked": True,
    }

    by_socket = join(phone_socket(room), room, "late")
    by_form = post_form(room.app.test_client(), f"/j/{room.code}", {"anonymous": "Join"})

    assert by_socket["error"]["code"] == "joining_locked"
    assert "closed joining" in by_socket["error"]["message"]
    assert by_form.status_code == 409
    assert "closed joining" in by_form.get_data(as_text=True)
    assert (
        console.send("console:join", {"workshop_id": room.workshop_id})["state"]["counts"][
            "participants"
        ]
        == 0
    )


def test_people_already_in_get_back_in_while_joining_is_locked(room: Room) -> None:
    console, ana = room.console(), room.phone("Ana")
    console.send("workshop:lock_joining", {"locked": True})

    back = rejoin(ana, room)

    assert back["ok"] and back["me"]["name"] == "Ana"
    assert back["state"]["workshop"]["joining_locked"] is True
    assert ana.browser.get(f"/j/{room.code}/live").status_code == 200


def test_every_audience_hears_the_lock_and_unlocking_lets_people_in(room: Room) -> None:
    console, screen, ana = room.console(), room.screen(), room.phone("Ana")
    console.send("workshop:lock_joining", {"locked": True})

    assert screen.events("state")[-1]["workshop"]["joining_locked"] is True
    assert ana.events("state")[-1]["workshop"]["joining_locked"] is True
    assert console.events("state")[-1]["workshop"]["joining_locked"] is True

    console.send("workshop:lock_joining", {"locked": False})
    assert screen.events("state")[-1]["workshop"]["joining_locked"] is False
    assert join(phone_socket(room), room, "now-welcome")["ok"]


def _answered(room: Room) -> tuple[Person, Person, Person, Person]:
    """A room on its first question, revealed, with an answer each from Ana and Troll."""
    console, screen = room.console(), room.screen()
    ana, troll = room.phone("Ana"), room.phone("Troll")
    console.send("workshop:start")
    question_id = ana.send("phone:join", {"workshop_id": room.workshop_id})["state"]["question"][
        "id"
    ]
    for phone, text in ((ana, "Reach"), (troll, "Spam spam")):
        assert phone.send("answer:submit", {"question_id": question_id, "text": text})["ok"]
    console.send("answers:reveal", {"revealed": True})
    room.drain()
    return console, screen, ana, troll


def test_removing_someone_hides_their_answers_and_takes_them_out_of_the_room(
    room: Room,
) -> None:
    console, screen, _, troll = _answered(room)
    troll_id = troll.join_ack["me"]["id"]

    ack = console.send("participant:remove", {"participant_id": troll_id})

    assert ack == {"ok": True, "participant_id": troll_id}
    state = console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    assert [p["name"] for p in state["participants"]] == ["Ana"]
    [theirs] = [a for a in state["answers"] if a["participant_id"] == troll_id]
    assert theirs["hidden"] and theirs["author_removed"]
    assert state["counts"]["participants"] == 1
    assert (state["counts"]["answers"], state["counts"]["answered"]) == (1, 1)

    on_screen = screen.send("screen:join", {"token": room.screen_token})["state"]
    assert [a["text"] for a in on_screen["answers"]] == ["Reach"]
    assert on_screen["counts"]["participants"] == 1
    assert [a["text"] for a in screen.events("state")[-1]["answers"]] == ["Reach"]


def test_a_removed_phone_is_disconnected_and_turned_away(room: Room) -> None:
    console, _, _, troll = _answered(room)
    console.send("participant:remove", {"participant_id": troll.join_ack["me"]["id"]})

    assert not troll.socket.is_connected()
    back = rejoin(troll, room)
    assert back["error"]["code"] == "removed"
    assert "removed you" in back["error"]["message"]
    # The form is no way back either: the browser's cookie names the removed person.
    assert troll.browser.get(f"/j/{room.code}").status_code == 302


def test_a_removed_persons_answers_stay_hidden(room: Room) -> None:
    console, _, _, troll = _answered(room)
    console.send("participant:remove", {"participant_id": troll.join_ack["me"]["id"]})
    [theirs] = [
        a
        for a in console.send("console:join", {"workshop_id": room.workshop_id})["state"]["answers"]
        if a["author_removed"]
    ]
    shown = console.send("answer:hide", {"answer_id": theirs["id"], "hidden": False})
    assert shown["error"]["code"] == "invalid"


def test_removing_someone_frees_their_place_in_the_browsers_limit(room: Room) -> None:
    console = room.console()
    browser = room.app.test_client()
    made = [join(phone_socket(room, browser), room, f"fake-{n}") for n in range(10)]
    assert join(phone_socket(room, browser), room, "eleventh")["error"]["code"] == "rate_limited"

    console.send("participant:remove", {"participant_id": made[0]["me"]["id"]})

    assert join(phone_socket(room, browser), room, "eleventh")["ok"]


def test_removing_someone_of_another_workshop_is_refused(room: Room) -> None:
    other = Room(room.app, title="Next door")
    stranger = other.phone("Zed")
    refused = room.console().send(
        "participant:remove", {"participant_id": stranger.join_ack["me"]["id"]}
    )
    assert refused["error"]["code"] == "not_found"
    assert stranger.socket.is_connected()


def test_a_removed_persons_reactions_no_longer_sway_the_canvas(room: Room) -> None:
    console = room.console()
    console.send("workshop:start")
    console.send("workshop:synthesis")
    ana, bots = room.phone("Ana"), [room.phone(f"Bot {n}") for n in range(3)]
    assert ana.send("canvas:react", {"field": "vision", "reaction": "agree"})["ok"]
    for bot in bots:
        assert bot.send("canvas:react", {"field": "vision", "reaction": "concern"})["ok"]

    for bot in bots:
        removed = console.send("participant:remove", {"participant_id": bot.join_ack["me"]["id"]})
        assert removed["ok"]

    fields = {f["key"]: f for f in room.screen().join_ack["state"]["canvas"]["fields"]}
    assert fields["vision"]["reactions"] == {"agree": 1, "concern": 0}
