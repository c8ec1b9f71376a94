"""A phone joins over its socket: a name (or none) and a join key, one message, no page load."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIOTestClient

from tests.people import Room
from workshop.extensions import db, socketio
from workshop.models import Participant


def phone_socket(room: Room) -> SocketIOTestClient:
    """A phone that opened the join page (it has the page's cookie) and connected."""
    browser = room.app.test_client()
    assert browser.get(f"/j/{room.code}").status_code == 200
    return socketio.test_client(room.app, flask_test_client=browser)


def join(socket: SocketIOTestClient, room: Room, **fields: Any) -> dict[str, Any]:
    """Send the join the page sends: its workshop and code, and `fields`."""
    payload = {"workshop_id": room.workshop_id, "code": room.code, **fields}
    return socket.emit("phone:join", payload, callback=True)


def participants(room: Room) -> list[tuple[int, str | None]]:
    with room.app.app_context():
        rows = db.session.execute(db.select(Participant).order_by(Participant.id)).scalars()
        return [(p.id, p.name) for p in rows]


def test_a_phone_joins_with_its_name_and_the_room_sees_it(room: Room) -> None:
    console, screen = room.console(), room.screen()
    phone = phone_socket(room)

    ack = join(phone, room, name="  Ana ", join_key="k-ana")

    assert ack["ok"], ack
    assert ack["me"]["name"] == "Ana" and ack["me"]["anonymous"] is False
    assert ack["state"]["workshop"]["phase"] == "lobby"
    assert ack["answers"] == [] and ack["reactions"] == {}
    assert participants(room) == [(ack["me"]["id"], "Ana")]
    joined = console.events("participant")
    assert [p["participant"]["name"] for p in joined] == ["Ana"]
    assert screen.events("counts")[-1]["connected"] == 1

    # The phone is live at once: it answers without another page or message.
    console.send("workshop:start")
    question = phone.get_received()[-1]["args"][0]["question"]
    sent = phone.emit(
        "answer:submit", {"question_id": question["id"], "text": "Reach"}, callback=True
    )
    assert sent["ok"], sent


def test_the_token_it_gets_back_brings_the_same_person_back(room: Room) -> None:
    first = phone_socket(room)
    ack = join(first, room, anonymous=True, join_key="k-1")
    assert ack["me"]["name"] == "Anonymous" and ack["me"]["anonymous"] is True
    first.disconnect()

    again = socketio.test_client(room.app)  # a new socket, no cookie: only the token
    back = join(again, room, token=ack["rejoin_token"], code=None)
    assert back["ok"] and back["me"] == ack["me"]
    assert len(participants(room)) == 1


def test_a_join_sent_twice_with_one_key_makes_one_person(room: Room) -> None:
    # The acknowledgement was lost and the phone tried again on a new connection.
    one, two = phone_socket(room), phone_socket(room)
    first = join(one, room, name="Ana", join_key="same-key")
    second = join(two, room, name="Ana", join_key="same-key")
    assert first["me"]["id"] == second["me"]["id"]
    # Or on the same connection, once it is bound (the first acknowledgement was slow).
    third = join(one, room, name="Ana", join_key="same-key")
    assert third["ok"] and third["me"] == first["me"], third
    assert participants(room) == [(first["me"]["id"], "Ana")]
    # Another key is another person, even with the same name.
    other = join(phone_socket(room), room, name="Ana", join_key="other-key")
    assert other["me"]["id"] != first["me"]["id"]
    assert len(participants(room)) == 2


def test_the_cookie_wins_over_a_join_from_the_form(room: Room) -> None:
    ana = room.phone("Ana")  # joined through the form's post: the cookie names her
    socket = socketio.test_client(room.app, flask_test_client=ana.browser)
    ack = join(socket, room, name="Someone else", join_key="k-2")
    assert ack["me"] == ana.join_ack["me"]
    assert len(participants(room)) == 1


def test_a_cookie_naming_someone_gone_gives_way_to_the_kept_token(room: Room) -> None:
    from workshop.models import Participant as Person

    ana = room.phone("Ana")  # posted the form: her cookie names her
    ben = join(phone_socket(room), room, name="Ben", join_key="k-ben")
    with room.app.app_context():
        db.session.execute(db.delete(Person).where(Person.id == ana.join_ack["me"]["id"]))
        db.session.commit()
    # Ana's phone, later joined as Ben over the socket, still carries her cookie.
    socket = socketio.test_client(room.app, flask_test_client=ana.browser)
    back = join(socket, room, token=ben["rejoin_token"], code=None)
    assert back["ok"] and back["me"] == ben["me"]


def test_joining_anew_needs_the_code_the_page_and_a_fresh_connection(app: Any, room: Room) -> None:
    other = Room(app, title="Another room")
    try:
        phone = phone_socket(room)
        for code, says in [
            (None, "No workshop is using that code"),
            ("ZZZZZZ", "No workshop is using that code"),
            (other.code, "No workshop is using that code"),  # a real code, another room
        ]:
            ack = join(phone, room, name="Eve", join_key="k-eve", code=code)
            assert ack["error"]["code"] == "not_found", (code, ack)
            assert says in ack["error"]["message"]
        # A socket that never opened the join page has no session to count joins against.
        bare = join(socketio.test_client(app), room, name="Eve", join_key="k-eve")
        assert bare["error"]["code"] == "forbidden"
        assert "join page" in bare["error"]["message"]
        assert participants(room) == []
        # One socket is one person: once joined, it cannot make another.
        assert join(phone, room, name="Ana", join_key="k-ana")["ok"]
        again = join(phone, room, name="Eve", join_key="k-eve-2")
        assert again["error"]["code"] == "forbidden", again
        assert [name for _, name in participants(room)] == ["Ana"]
    finally:
        other.close()


def test_bad_joins_are_refused_with_a_reason_and_make_nobody(room: Room) -> None:
    phone = phone_socket(room)
    cases = [
        ({"name": "n" * 41, "join_key": "k"}, "too_long", "limit is 40"),
        ({"name": "n" * 200, "join_key": "k"}, "too_long", "160"),
        ({"name": "Ana"}, "not_found", "Join it with its code"),  # no key: nobody to be
        ({"name": "Ana", "join_key": ""}, "invalid", "join key"),
        ({"name": "Ana", "join_key": "k" * 65}, "too_long", "64"),
        ({"name": 7, "join_key": "k"}, "invalid", "text"),
        ({"anonymous": "yes", "join_key": "k"}, "invalid", "true or false"),
        ({"token": "WzEsMV0.forged", "join_key": None}, "not_found", "Join it with its code"),
    ]
    for fields, code, says in cases:
        ack = join(phone, room, **fields)
        assert ack["ok"] is False, fields
        assert ack["error"]["code"] == code, (fields, ack)
        assert says in ack["error"]["message"], (fields, ack)
    assert participants(room) == []
    # The same socket can still join properly afterwards.
    assert join(phone, room, name="Ana", join_key="k")["ok"]


def test_an_ended_workshop_takes_no_one_new(room: Room) -> None:
    console = room.console()
    late = phone_socket(room)  # the join form was open while the workshop ended
    console.send("workshop:start")
    assert console.send("workshop:end")["ok"]
    ack = join(late, room, name="Late", join_key="k-late")
    assert ack["error"]["code"] == "workshop_ended"
    assert participants(room) == []


def test_one_phone_cannot_make_people_without_end(room: Room) -> None:
    browser = room.app.test_client()
    browser.get(f"/j/{room.code}")
    made = []
    for n in range(12):
        socket = socketio.test_client(room.app, flask_test_client=browser)
        made.append(join(socket, room, name=f"Bot {n}", join_key=f"k{n}"))
    assert [a["ok"] for a in made] == [True] * 10 + [False] * 2
    assert made[-1]["error"]["code"] == "rate_limited"
    # A retry of a join already made is not a new person and is not refused.
    retry = socketio.test_client(room.app, flask_test_client=browser)
    assert join(retry, room, name="Bot 0", join_key="k0")["me"] == made[0]["me"]
    # Others in the same venue (same address, their own cookie) still get in.
    assert join(phone_socket(room), room, name="Ana", join_key="k-ana")["ok"]
