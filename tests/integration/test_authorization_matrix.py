"""Who may send which socket event and open which page: every event and page, every role.

Each denied case asserts an error acknowledgement or a refused page, and that
the database did not change at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, select

from tests.people import Person, Room, sign_up, team_id_of
from tests.server.live_server import csrf_token
from workshop.extensions import db, socketio

FACILITATOR_EVENTS: dict[str, dict[str, Any]] = {
    "workshop:start": {},
    "workshop:next": {},
    "workshop:previous": {},
    "workshop:goto": {"position": 1},
    "workshop:end": {},
    "workshop:synthesis": {},
    "answering:set": {"open": False},
    "answers:reveal": {"revealed": True},
    "answer:hide": {"answer_id": 1, "hidden": True},
    "timer:start": {"seconds": 60},
    "timer:stop": {},
    "canvas:statement": {"field": "vision", "text": "Taken over", "version": 0},
    "canvas:purpose": {"purpose": "momentum", "version": 0},
    "canvas:values": {"facet": "ours", "items": ["Greed"], "version": 0},
    "canvas:pin": {"field": "vision", "answer_id": 1, "pinned": True},
    "answers:merge": {"answer_id": 1, "into_id": 2},
    "answers:unmerge": {"answer_id": 1},
    "canvas:seal": {},
    "workshop:lock_joining": {"locked": True},
    "participant:remove": {"participant_id": 1},
    "wall:turn": {"by": 1},
    "wall:rotate": {"seconds": 10},
    "answer:spotlight": {"answer_id": 1},
    "wall:show": {"show_as": "cloud"},
    "cloud:hide_word": {"key": "trust", "hidden": True},
    "themes:suggest": {"scope": "field:motivation"},
    "themes:fit": {"scope": "field:motivation"},
    "theme:accept": {"theme_id": 1},
    "theme:rename": {"theme_id": 1, "label": "Taken over"},
    "theme:dismiss": {"theme_id": 1},
    "theme:merge": {"theme_id": 1, "into_id": 2},
    "theme:split": {"theme_id": 1},
    "theme:move": {"scope": "field:motivation", "answer_ids": [1], "label": "Mine"},
    "theme:pin": {"field": "vision", "theme_id": 1, "pinned": True},
    "vote:open": {"kind": "statements", "field": "vision", "statements": ["Ours", "Theirs"]},
    "vote:close": {},
    "vote:results": {"shown": True},
    "vote:clear": {},
}
PHONE_EVENTS: dict[str, dict[str, Any]] = {
    "answer:submit": {"question_id": 1, "text": "Injected"},
    "answer:edit": {"answer_id": 1, "text": "Rewritten"},
    "answer:delete": {"answer_id": 1},
    "canvas:react": {"field": "vision", "reaction": "concern"},
    "vote:dots": {"vote_id": 1, "dots": {"1": 1}},
}
JOIN_EVENTS = {"console:join", "screen:join", "phone:join"}
DENIED = {"forbidden", "not_joined", "not_found"}


def database(app: Flask) -> dict[str, list[tuple]]:
    """Return every row of every table, to prove a refused request changed nothing."""
    with app.app_context():
        meta = MetaData()
        meta.reflect(db.engine)
        with db.engine.connect() as connection:
            return {
                name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                for name, table in meta.tables.items()
            }


class World:
    """Workshop A (with answers, in the synthesis) and everyone around it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.a = Room(app, title="Workshop A")
        self.b = Room(app, title="Workshop B")
        console = self.a.console()
        ana, ben = self.a.phone("Ana"), self.a.phone("Ben")
        console.send("workshop:start")
        question_id = console.send("console:join", {"workshop_id": self.a.workshop_id})["state"][
            "questions"
        ][0]["id"]
        self.answer_ids = [
            phone.send("answer:submit", {"question_id": question_id, "text": t})["answer"]["id"]
            for phone, t in ((ana, "First"), (ben, "Second"))
        ]
        scope = f"question:{question_id}"
        self.theme_ids = [
            console.send("theme:move", {"scope": scope, "answer_ids": [answer], "label": label})[
                "themes"
            ][-1]["id"]
            for answer, label in zip(self.answer_ids, ("One", "Two"), strict=True)
        ]
        console.send("workshop:synthesis")
        self.vote = console.send("vote:open", {"kind": "themes", "scope": scope})["vote"]
        self.own_phone = ana

    def socket_roles(self) -> dict[str, Callable[[], Person]]:
        """Each role that is not A's team, as a connected socket."""

        def anonymous() -> Person:
            return Person(self.app.test_client(), socketio.test_client(self.app))

        def other_team_member() -> Person:
            browser = self.b.facilitator_browser
            person = Person(browser, socketio.test_client(self.app, flask_test_client=browser))
            assert (
                person.send("console:join", {"workshop_id": self.a.workshop_id})["error"]["code"]
                == "not_found"
            )
            return person

        return {
            "anonymous": anonymous,
            "phone of this workshop": lambda: self.own_phone,
            "phone of another workshop": lambda: self.b.phone("Zed"),
            "projector": self.a.screen,
            "member of another team": other_team_member,
        }

    def close(self) -> None:
        self.a.close()
        self.b.close()


@pytest.fixture
def world(app: Flask):
    built = World(app)
    yield built
    built.close()


def _payload(payload: dict[str, Any], world: World, event: str = "") -> dict[str, Any]:
    """Aim ids at workshop A's real answers and themes, so a wrongly allowed event would
    change it."""
    aimed = dict(payload)
    if event.startswith("theme:"):
        aimed["theme_id"] = world.theme_ids[0]
        if "into_id" in aimed:
            aimed["into_id"] = world.theme_ids[1]
    if "answer_ids" in aimed:
        aimed["answer_ids"] = world.answer_ids
    for key in ("answer_id", "into_id"):
        if key in aimed and event.startswith("theme:"):
            continue
        if key in aimed:
            aimed[key] = world.answer_ids[0 if key == "answer_id" else 1]
    if event == "vote:dots":
        aimed = {"vote_id": world.vote["id"], "dots": {str(world.vote["items"][0]["id"]): 1}}
    if "participant_id" in aimed:
        aimed["participant_id"] = world.own_phone.join_ack["me"]["id"]
    return aimed


def test_the_matrix_covers_every_socket_event(app: Flask) -> None:
    registered = {event for event in socketio.server.handlers["/"] if ":" in event}
    assert registered == set(FACILITATOR_EVENTS) | set(PHONE_EVENTS) | JOIN_EVENTS


@pytest.mark.parametrize("event", sorted(FACILITATOR_EVENTS))
def test_only_the_team_can_send_facilitator_events(world: World, event: str) -> None:
    payload = _payload(FACILITATOR_EVENTS[event], world, event)
    for role, connect in world.socket_roles().items():
        person = connect()
        before = database(world.app)
        ack = person.send(event, payload)
        assert ack["ok"] is False, (role, event, ack)
        assert ack["error"]["code"] in DENIED, (role, event, ack)
        assert database(world.app) == before, (role, event)


@pytest.mark.parametrize("event", sorted(PHONE_EVENTS))
def test_only_phones_send_phone_events_and_only_to_their_own_things(
    world: World, event: str
) -> None:
    payload = _payload(PHONE_EVENTS[event], world)
    roles = world.socket_roles()
    team = world.a.console()
    roles["team member"] = lambda: team
    del roles["phone of this workshop"]  # its own events are the allowed case
    for role, connect in roles.items():
        if role == "phone of another workshop" and event == "canvas:react":
            continue  # a reaction always lands in the phone's own workshop
        person = connect()
        before = database(world.app)
        ack = person.send(event, payload)
        assert ack["ok"] is False and ack["error"]["code"] in DENIED, (role, event, ack)
        assert database(world.app) == before, (role, event)


def test_a_phone_cannot_edit_or_delete_another_phones_answer(world: World) -> None:
    ben_answer = world.answer_ids[1]
    before = database(world.app)
    for event in ("answer:edit", "answer:delete"):
        payload = {"answer_id": ben_answer, **({"text": "Mine"} if event == "answer:edit" else {})}
        assert world.own_phone.send(event, payload)["error"]["code"] == "not_found"
    assert database(world.app) == before


@pytest.mark.parametrize("event", sorted(JOIN_EVENTS))
def test_joining_needs_the_right_credential(world: World, event: str) -> None:
    payload = {
        "console:join": {"workshop_id": world.a.workshop_id},
        "screen:join": {"token": "guessed-token"},
        "phone:join": {"workshop_id": world.a.workshop_id, "token": "forged.token"},
    }[event]
    for role, connect in world.socket_roles().items():
        if event == "phone:join" and role == "phone of this workshop":
            continue  # the allowed case
        person = connect()
        ack = person.send(event, payload)
        assert ack["ok"] is False and ack["error"]["code"] in DENIED, (role, event, ack)


def _csrf(browser: FlaskClient) -> str:
    return csrf_token(browser.get("/").get_data(as_text=True))


def test_pages_open_for_the_team_only(world: World) -> None:
    a = world.a
    team = team_id_of(world.app, a.facilitator_browser)
    gets = [
        f"/workshops/{a.workshop_id}/console",
        f"/workshops/{a.workshop_id}/canvas",
        f"/workshops/{a.workshop_id}/canvas/compare",
        f"/workshops/{a.workshop_id}/canvas.md",
        f"/workshops/{a.workshop_id}/canvas.json",
        f"/workshops/{a.workshop_id}/answers.csv",
        f"/workshops/{a.workshop_id}/words.csv",
        f"/teams/{team}",
    ]
    posts = [
        f"/workshops/{a.workshop_id}/share",
        f"/workshops/{a.workshop_id}/share/revoke",
        f"/workshops/{a.workshop_id}/seal",
        f"/workshops/{a.workshop_id}/revise",
        f"/teams/{team}/invites",
    ]
    browsers = {
        "anonymous": world.app.test_client(),
        "phone of this workshop": world.own_phone.browser,
        "projector": world.app.test_client(),
        "member of another team": world.b.facilitator_browser,
        "new account with no team in common": sign_up(world.app, "Outsider"),
    }
    for role, browser in browsers.items():
        browser.get(f"/screen/{a.screen_token}")  # the projector role has seen its page
        for url in gets:
            response = browser.get(url)
            assert _refused(response), (role, url, response.status_code)
        before = database(world.app)
        for url in posts:
            response = browser.post(url, data={"csrf_token": _csrf(browser)})
            assert _refused(response), (role, url, response.status_code)
        assert database(world.app) == before, role
    for url in gets:
        assert a.facilitator_browser.get(url).status_code == 200, url


def _refused(response) -> bool:  # type: ignore[no-untyped-def]
    """A refusal is a 403/404, or (for someone not logged in) a redirect to the login page."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def test_the_projector_page_needs_its_token_and_shows_no_controls(world: World) -> None:
    client = world.app.test_client()
    assert client.get("/screen/not-the-token").status_code == 404
    html = client.get(f"/screen/{world.a.screen_token}").get_data(as_text=True)
    assert "<form" not in html and "First" not in html, "no raw answers before reveal"


def test_the_join_code_never_reveals_the_share_link(world: World) -> None:
    world.a.canvas_action("share")
    page = world.a.facilitator_browser.get(f"/workshops/{world.a.workshop_id}/canvas")
    token = re.search(r"/c/([A-Za-z0-9_\-]+)", page.get_data(as_text=True))[1]
    phone = world.own_phone
    seen = [
        phone.browser.get(f"/j/{world.a.code}/live").get_data(as_text=True),
        repr(phone.send("phone:join", {"workshop_id": world.a.workshop_id})),
        world.app.test_client().get(f"/screen/{world.a.screen_token}").get_data(as_text=True),
    ]
    assert all(token not in text for text in seen)
