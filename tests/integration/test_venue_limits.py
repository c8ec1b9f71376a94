"""A venue shares one address: a guesser or a script among it slows down, the room still gets in.

Every test client here comes from 127.0.0.1, like a room behind one NAT. The
delays are recorded rather than slept (`waits`), so the tests say how long a
phone would wait without waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from tests.people import Room, post_form
from workshop import create_app, ratelimit
from workshop.extensions import db, socketio
from workshop.ratelimit import Backoff, limits


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record each delay a request would wait, instead of sleeping it."""
    recorded: list[float] = []
    monkeypatch.setattr(ratelimit, "wait", recorded.append)
    return recorded


def guess(times: int, app: Flask, **headers: str) -> None:
    """Try `times` wrong codes, as a script does: a fresh cookie every few tries."""
    browser = app.test_client()
    for n in range(times):
        if n % 5 == 0:
            browser = app.test_client()
        assert browser.get(f"/j/ZZZ{n:03d}", headers=headers).status_code == 404


def join_page(app: Flask, code: str, **headers: str) -> tuple[FlaskClient, int]:
    """A new phone opens the join page; return its browser and the status it got."""
    browser = app.test_client()
    return browser, browser.get(f"/j/{code}", headers=headers).status_code


def test_a_right_code_gets_in_after_hundreds_of_wrong_ones_from_the_same_address(
    room: Room, waits: list[float]
) -> None:
    ana = room.phone("Ana")  # in the room before the guessing starts
    guess(301, room.app)

    _, status = join_page(room.app, room.code)
    assert status == 200, "a new phone with the right code still gets the join page"
    assert post_form(room.app.test_client(), "/", {"code": room.code}).status_code == 302
    assert ana.browser.get(f"/j/{room.code}/live").status_code == 200, "a reload gets back in"


def test_past_a_threshold_a_new_phone_waits_the_same_for_a_right_or_a_wrong_code(
    room: Room, waits: list[float]
) -> None:
    guess(limits.codes_by_ip.free, room.app)
    assert not any(waits), "a venue's typos cost nothing"
    waits.clear()

    join_page(room.app, room.code)
    join_page(room.app, "ZZZ999")
    right, wrong = waits
    # The wait comes before the answer: its length cannot tell a guesser which codes exist.
    assert right == wrong > 0

    guess(4 * limits.codes_by_ip.step, room.app)
    waits.clear()
    join_page(room.app, room.code)
    assert waits[0] > right, "the delay grows with the guessing"
    assert waits[0] <= limits.codes_by_ip.cap


def test_a_phone_already_in_the_workshop_never_waits_for_the_guessing(
    room: Room, waits: list[float]
) -> None:
    ana = room.phone("Ana")
    guess(limits.codes_by_ip.free + 30, room.app)
    waits.clear()
    assert ana.browser.get(f"/j/{room.code}").status_code == 302
    assert not any(waits)


def test_the_wait_ends_a_minute_after_the_guessing_stops(
    room: Room, waits: list[float], clock
) -> None:
    guess(limits.codes_by_ip.free + 30, room.app)
    clock.advance(61)
    waits.clear()
    join_page(room.app, room.code)
    assert not any(waits)


def test_wrong_codes_from_many_addresses_never_slow_a_right_code_from_another(
    room: Room, waits: list[float]
) -> None:
    # Fewer than the free number per address, but 700 in all: once a server-wide
    # count made every new phone anywhere wait for them.
    for address in range(14):
        for n in range(50):
            if n % 5 == 0:
                browser = room.app.test_client()
            there = {"REMOTE_ADDR": f"198.51.100.{address}"}
            assert browser.get(f"/j/ZZZ{n:03d}", environ_base=there).status_code == 404
    waits.clear()

    elsewhere = {"REMOTE_ADDR": "203.0.113.9"}
    assert room.app.test_client().get(f"/j/{room.code}", environ_base=elsewhere).status_code == 200
    assert not any(waits)


def test_a_new_phone_waits_once_per_join_and_never_more_than_two_seconds(
    room: Room, waits: list[float]
) -> None:
    guess(limits.codes_by_ip.free + 4 * limits.codes_by_ip.step, room.app)
    waits.clear()

    socket = phone_socket(room)  # the join page's code check waits
    assert join(socket, room, "after-the-guessing")["ok"]
    assert waits == [2.0], "the socket join must not wait for the code a second time"


@pytest.fixture
def make_app(tmp_path: Path, database_url: Callable[[Path], str]) -> Iterator[Callable[..., Flask]]:
    """Build an app like the `app` fixture's, with some settings of the test's own."""
    built: list[Flask] = []

    def make(**settings: Any) -> Flask:
        folder = tmp_path / str(len(built))
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret",
                "INSTANCE_PATH": folder,
                "SQLALCHEMY_DATABASE_URI": database_url(folder),
                "ASYNC_MODE": "threading",
                "LIVE_UPDATE_INTERVAL": 0,
                **settings,
            }
        )
        with app.app_context():
            db.create_all()
        built.append(app)
        return app

    yield make
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize(("proxies", "slowed"), [(1, False), (0, True)])
def test_behind_a_trusted_proxy_each_phone_is_counted_at_its_own_address(
    make_app: Callable[..., Flask], waits: list[float], proxies: int, slowed: bool
) -> None:
    room = Room(make_app(TRUSTED_PROXIES=proxies))
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    neighbour = {"X-Forwarded-For": "198.51.100.2"}
    guess(limits.codes_by_ip.free + 30, room.app, **guesser)
    waits.clear()

    _, status = join_page(room.app, room.code, **neighbour)
    assert status == 200
    # Trusted, the header names the phone; untrusted (the default), anyone could write it.
    assert any(waits) is slowed


def test_the_proxy_setting_refuses_what_is_not_a_small_number(
    monkeypatch: pytest.MonkeyPatch, make_app: Callable[..., Flask]
) -> None:
    monkeypatch.setenv("WORKSHOP_TRUSTED_PROXIES", "yes")
    with pytest.raises(ValueError, match="WORKSHOP_TRUSTED_PROXIES"):
        make_app()


def phone_socket(room: Room, browser: FlaskClient | None = None) -> SocketIOTestClient:
    """A phone that opened the join page and connected its socket."""
    browser = browser or room.app.test_client()
    assert browser.get(f"/j/{room.code}").status_code == 200
    return socketio.test_client(room.app, flask_test_client=browser)


def join(socket: SocketIOTestClient, room: Room, key: str, **fields: Any) -> dict[str, Any]:
    payload = {"workshop_id": room.workshop_id, "code": room.code, "join_key": key, **fields}
    return socket.emit("phone:join", {"name": "Ana", **payload}, callback=True)


def test_a_browser_that_made_ten_people_over_its_socket_cannot_make_more_with_the_form(
    room: Room,
) -> None:
    browser = room.app.test_client()
    for n in range(10):
        assert join(phone_socket(room, browser), room, f"k{n}")["ok"]

    refused = post_form(browser, f"/j/{room.code}", {"name": "Eleven", "submit": "Join"})
    assert refused.status_code == 429
    assert "Too many joins from this phone" in refused.get_data(as_text=True)


def test_fresh_cookies_past_a_few_hundred_new_people_wait_longer_and_still_get_in(
    room: Room, waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same rule at a smaller scale: 3 free, then 0.1 s doubling every 3 more.
    monkeypatch.setattr(limits, "new_by_ip", Backoff(3, 3, 0.1, 3))
    for n in range(3):
        assert join(phone_socket(room), room, f"socket-{n}")["ok"]
    assert not any(waits)

    fourth = join(phone_socket(room), room, "socket-4")
    by_form = post_form(room.app.test_client(), f"/j/{room.code}", {"anonymous": "Join"})

    assert fourth["ok"] and by_form.status_code == 302, "slowed, never refused"
    assert [w for w in waits if w] == [0.1, pytest.approx(0.1 * 2 ** (1 / 3))]


def test_the_new_people_limit_is_per_workshop(
    room: Room, waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "new_by_ip", Backoff(3, 3, 0.1, 3))
    for n in range(4):
        join(phone_socket(room), room, f"socket-{n}")
    other = Room(room.app, title="Next door", facilitator=room.facilitator_browser)
    waits.clear()
    assert join(phone_socket(other), other, "next-door")["ok"]
    assert not any(waits)


def test_resyncs_back_to_back_are_limited_with_the_time_to_wait(room: Room, clock) -> None:
    phone = phone_socket(room)
    first = join(phone, room, "k-ana")
    assert first["ok"]
    token = first["rejoin_token"]

    acks = [
        phone.emit("phone:join", {"workshop_id": room.workshop_id, "token": token}, callback=True)
        for _ in range(200)
    ]

    assert [a["ok"] for a in acks[:2]] == [True, True], "a slow join's retry, a missed message"
    refused = acks[2:]
    assert {a["error"]["code"] for a in refused} == {"rate_limited"}
    assert all(0 < a["error"]["details"]["retry_after"] <= 2 for a in refused)
    clock.advance(refused[-1]["error"]["details"]["retry_after"])
    again = phone.emit(
        "phone:join", {"workshop_id": room.workshop_id, "token": token}, callback=True
    )
    assert again["ok"], again


def test_a_first_join_on_each_new_connection_is_no_resync(room: Room) -> None:
    browser = room.app.test_client()
    token = join(phone_socket(room, browser), room, "k-ana")["rejoin_token"]
    for _ in range(5):  # a phone whose connection keeps dropping
        socket = socketio.test_client(room.app, flask_test_client=browser)
        ack = socket.emit(
            "phone:join", {"workshop_id": room.workshop_id, "token": token}, callback=True
        )
        assert ack["ok"], ack
        socket.disconnect()


def test_a_phone_that_waits_holds_no_database_connection_meanwhile(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    holding: list[bool] = []
    monkeypatch.setattr(ratelimit, "wait", lambda _: holding.append(db.session().in_transaction()))
    guess(limits.codes_by_ip.free, room.app)

    _, status = join_page(room.app, room.code)
    join_page(room.app, "ZZZ999")

    assert status == 200
    assert holding == [False, False], "a thousand waiting guesses would empty the pool"
