"""Every change reaches the room by one path: when a number moves, its audience hears of it.

Each step below is one state-changing socket event or page action, taken in
the order a workshop takes them. For each, the room is brought to the step by
the steps before it, then the step runs under watch:
- when the workshop's change number (seq) moved, the console and the projector
  each got a message carrying the new number;
- when the phones' number (phone_seq) moved, the phone got one carrying it;
- the phone never gets what only the console sees, and another workshop's
  people hear nothing at all.

A last check makes the list complete: a new socket event or form that changes
state must be added here, or listed with the reason it changes no workshop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from tests.people import Person, Room, post_form
from workshop.extensions import db, socketio
from workshop.models import Workshop


@dataclass
class Scene:
    room: Room
    console: Person
    screen: Person
    phone: Person
    outsiders: list[Person]
    ids: dict[str, Any] = field(default_factory=dict)

    def question_ids(self) -> list[int]:
        state = self.console.send("console:join", {"workshop_id": self.room.workshop_id})
        self.console.received()
        return [q["id"] for q in state["state"]["questions"]]

    def answer(self, text: str, key: str) -> int:
        ack = self.phone.send(
            "answer:submit",
            {"question_id": self.question_ids()[0], "text": text, "client_key": key},
        )
        assert ack["ok"], ack
        return ack["answer"]["id"]


def _facilitator(event: str, payload: Callable[[Scene], dict[str, Any]] | None = None):  # type: ignore[no-untyped-def]
    def run(scene: Scene) -> None:
        ack = scene.console.send(event, payload(scene) if payload else {})
        assert ack["ok"], ack

    return run


def _phone(event: str, payload: Callable[[Scene], dict[str, Any]]):  # type: ignore[no-untyped-def]
    def run(scene: Scene) -> None:
        ack = scene.phone.send(event, payload(scene))
        assert ack["ok"], ack
        if "answer" in ack:
            scene.ids.setdefault("answers", []).append(ack["answer"]["id"])

    return run


def _page(action: str, **fields: Any) -> Callable[[Scene], None]:
    def run(scene: Scene) -> None:
        response = scene.room.canvas_action(action, **fields)
        assert response.status_code == 302, response.data

    return run


def _joins_by_form(scene: Scene) -> None:
    browser = scene.room.app.test_client()
    assert post_form(browser, "/", {"code": scene.room.code}).status_code == 302
    response = post_form(browser, f"/j/{scene.room.code}", {"name": "Cy", "submit": "Join"})
    assert response.status_code == 302, response.data


def _second_answer(scene: Scene) -> None:
    scene.ids["merge"] = [scene.answer("Shared customers", "m1"), scene.answer("Customers", "m2")]


def _newcomer_over_the_socket(scene: Scene) -> None:
    browser = scene.room.app.test_client()
    browser.get(f"/j/{scene.room.code}")  # the join page sets the browser's session
    socket = socketio.test_client(scene.room.app, flask_test_client=browser)
    ack = socket.emit(
        "phone:join",
        {
            "workshop_id": scene.room.workshop_id,
            "code": scene.room.code,
            "name": "Dee",
            "join_key": "dee-1",
        },
        callback=True,
    )
    assert ack["ok"], ack
    scene.ids["dee"] = ack["me"]["id"]


def _theme_answers(scene: Scene) -> None:
    texts = ("Get into hospitals", "Reach the healthcare sector")
    scene.ids["health"] = [scene.answer(text, f"t{i}") for i, text in enumerate(texts)]


def _scope(scene: Scene) -> str:
    return f"question:{scene.question_ids()[0]}"


def _suggest(scene: Scene) -> None:
    ack = scene.console.send("themes:suggest", {"scope": _scope(scene)})
    assert ack["ok"] and ack["themes"], ack
    scene.ids["suggested"] = [t["id"] for t in ack["themes"]]


def _open_vote(scene: Scene) -> None:
    ack = scene.console.send("vote:open", {"kind": "themes", "scope": _scope(scene)})
    assert ack["ok"], ack
    vote = ack["vote"]
    scene.ids["vote"] = {"id": vote["id"], "item": str(vote["items"][0]["id"])}


def _theme(label: str, answers: str) -> Callable[[Scene], None]:
    def run(scene: Scene) -> None:
        payload = {"scope": _scope(scene), "answer_ids": scene.ids[answers], "label": label}
        ack = scene.console.send("theme:move", payload)
        assert ack["ok"], ack
        scene.ids[label] = next(t["id"] for t in ack["themes"] if t["label"] == label)

    return run


def _first_answer_id(scene: Scene) -> int:
    return scene.ids["answers"][0]


# (name, action). Order matters: each step builds on the last. MOVES says which numbers each
# step must move: "room" (seq), "everyone" (seq and phone_seq) or "none".
STEPS: list[tuple[str, Callable[[Scene], None]]] = [
    ("a phone joins by the form", _joins_by_form),
    ("phone:join (a newcomer)", _newcomer_over_the_socket),
    ("workshop:lock_joining", _facilitator("workshop:lock_joining", lambda s: {"locked": True})),
    (
        "workshop:lock_joining (open)",
        _facilitator("workshop:lock_joining", lambda s: {"locked": False}),
    ),
    ("workshop:start", _facilitator("workshop:start")),
    (
        "answer:submit",
        _phone(
            "answer:submit",
            lambda s: {"question_id": s.question_ids()[0], "text": "Reach", "client_key": "a1"},
        ),
    ),
    (
        "answer:edit",
        _phone("answer:edit", lambda s: {"answer_id": _first_answer_id(s), "text": "Reach more"}),
    ),
    ("answers:reveal", _facilitator("answers:reveal", lambda s: {"revealed": True})),
    ("wall:turn", _facilitator("wall:turn", lambda s: {"by": 1})),
    ("wall:rotate", _facilitator("wall:rotate", lambda s: {"seconds": 10})),
    (
        "answer:spotlight",
        _facilitator("answer:spotlight", lambda s: {"answer_id": _first_answer_id(s)}),
    ),
    ("answer:spotlight (none)", _facilitator("answer:spotlight", lambda s: {"answer_id": None})),
    ("wall:show", _facilitator("wall:show", lambda s: {"show_as": "cloud"})),
    (
        "cloud:hide_word",
        _facilitator("cloud:hide_word", lambda s: {"key": "reach", "hidden": True}),
    ),
    (
        "answer:hide",
        _facilitator("answer:hide", lambda s: {"answer_id": _first_answer_id(s), "hidden": True}),
    ),
    ("answer:delete", _phone("answer:delete", lambda s: {"answer_id": _first_answer_id(s)})),
    (
        "participant:remove",
        _facilitator("participant:remove", lambda s: {"participant_id": s.ids["dee"]}),
    ),
    ("answering:set", _facilitator("answering:set", lambda s: {"open": False})),
    ("answering:set (open)", _facilitator("answering:set", lambda s: {"open": True})),
    ("two more answers", _second_answer),
    ("two answers to group", _theme_answers),
    ("themes:suggest", _suggest),
    (
        "theme:accept",
        _facilitator("theme:accept", lambda s: {"theme_id": s.ids["suggested"][0]}),
    ),
    ("themes:fit", _facilitator("themes:fit", lambda s: {"scope": _scope(s)})),
    ("theme:move", _theme("Customers", "merge")),
    ("theme:move (a second theme)", _theme("Health", "health")),
    (
        "theme:rename",
        _facilitator("theme:rename", lambda s: {"theme_id": s.ids["Health"], "label": "Care"}),
    ),
    (
        "theme:merge",
        _facilitator(
            "theme:merge", lambda s: {"theme_id": s.ids["Health"], "into_id": s.ids["Customers"]}
        ),
    ),
    ("theme:split", _facilitator("theme:split", lambda s: {"theme_id": s.ids["Customers"]})),
    ("vote:open", _open_vote),
    (
        "vote:dots",
        _phone(
            "vote:dots",
            lambda s: {"vote_id": s.ids["vote"]["id"], "dots": {s.ids["vote"]["item"]: 1}},
        ),
    ),
    ("vote:results", _facilitator("vote:results", lambda s: {"shown": False})),
    ("vote:close", _facilitator("vote:close")),
    ("vote:clear", _facilitator("vote:clear")),
    ("timer:start", _facilitator("timer:start", lambda s: {"seconds": 60})),
    ("timer:stop", _facilitator("timer:stop")),
    ("workshop:next", _facilitator("workshop:next")),
    ("workshop:previous", _facilitator("workshop:previous")),
    ("workshop:goto", _facilitator("workshop:goto", lambda s: {"position": 1})),
    ("workshop:synthesis", _facilitator("workshop:synthesis")),
    (
        "canvas:statement",
        _facilitator(
            "canvas:statement", lambda s: {"field": "motivation", "text": "Grow", "version": 0}
        ),
    ),
    (
        "canvas:purpose",
        _facilitator("canvas:purpose", lambda s: {"purpose": "momentum", "version": 0}),
    ),
    (
        "canvas:values",
        _facilitator(
            "canvas:values", lambda s: {"facet": "ours", "items": ["Trust"], "version": 0}
        ),
    ),
    (
        "canvas:pin",
        _facilitator(
            "canvas:pin",
            lambda s: {"field": "motivation", "answer_id": s.ids["merge"][0], "pinned": True},
        ),
    ),
    (
        "theme:pin",
        _facilitator(
            "theme:pin",
            lambda s: {"field": "motivation", "theme_id": s.ids["Customers"], "pinned": True},
        ),
    ),
    ("theme:dismiss", _facilitator("theme:dismiss", lambda s: {"theme_id": s.ids["Customers"]})),
    (
        "answers:merge",
        _facilitator(
            "answers:merge",
            lambda s: {"answer_id": s.ids["merge"][1], "into_id": s.ids["merge"][0]},
        ),
    ),
    (
        "answers:unmerge",
        _facilitator("answers:unmerge", lambda s: {"answer_id": s.ids["merge"][1]}),
    ),
    (
        "canvas:react",
        _phone("canvas:react", lambda s: {"field": "motivation", "reaction": "agree"}),
    ),
    ("canvas:seal", _facilitator("canvas:seal")),
    ("the canvas page's Share", _page("share")),
    ("the canvas page's Switch off", _page("share/revoke")),
    ("the canvas page's Seal", _page("seal")),
    ("workshop:end", _facilitator("workshop:end")),
    ("the canvas page's Revise", _page("revise")),
]

MOVES = {
    "a phone joins by the form": "room",
    "phone:join (a newcomer)": "room",
    "workshop:lock_joining": "everyone",
    "workshop:lock_joining (open)": "everyone",
    "workshop:start": "everyone",
    "answer:submit": "room",
    "answer:edit": "room",
    "answers:reveal": "everyone",
    "wall:turn": "room",
    "wall:rotate": "room",
    "answer:spotlight": "room",
    "answer:spotlight (none)": "room",
    "wall:show": "room",
    "cloud:hide_word": "room",
    "answer:hide": "room",
    "answer:delete": "room",
    "participant:remove": "room",
    "answering:set": "everyone",
    "answering:set (open)": "everyone",
    "two more answers": "room",
    "two answers to group": "room",
    "themes:suggest": "room",
    "theme:accept": "room",
    "themes:fit": "none",
    "theme:move": "room",
    "theme:move (a second theme)": "room",
    "theme:rename": "room",
    "theme:merge": "room",
    "theme:split": "room",
    "vote:open": "everyone",
    "vote:dots": "none",
    "vote:results": "room",
    "vote:close": "everyone",
    "vote:clear": "everyone",
    "theme:pin": "room",
    "theme:dismiss": "room",
    "timer:start": "everyone",
    "timer:stop": "everyone",
    "workshop:next": "everyone",
    "workshop:previous": "everyone",
    "workshop:goto": "everyone",
    "workshop:synthesis": "everyone",
    "canvas:statement": "everyone",
    "canvas:purpose": "everyone",
    "canvas:values": "everyone",
    "canvas:pin": "room",
    "answers:merge": "room",
    "answers:unmerge": "room",
    "canvas:react": "none",
    "canvas:seal": "everyone",
    "the canvas page's Share": "room",
    "the canvas page's Switch off": "room",
    "the canvas page's Seal": "everyone",
    "workshop:end": "everyone",
    "the canvas page's Revise": "none",
}

# State-changing socket events that change no workshop's room by themselves.
JOIN_EVENTS = {"console:join", "screen:join", "phone:join"}
# Forms whose posts change no room anyone is in: accounts and teams (a removed member's
# console is closed by the team change itself, tested in test_accounts), a code typed at
# the front door, and new workshops (made or imported), which nobody has joined yet.
NO_ROOM_FORMS = {
    "auth.signup",
    "auth.login",
    "auth.logout",
    "auth.change_password",
    "teams.new",
    "teams.invite",
    "teams.revoke",
    "teams.accept",
    "teams.leave",
    "teams.remove_member",
    "teams.make_owner",
    "home.index",
    "facilitator.new",
    "transfer.import_",
}
PAGE_STEPS = {
    "canvas.share": "the canvas page's Share",
    "canvas.revoke": "the canvas page's Switch off",
    "canvas.seal": "the canvas page's Seal",
    "canvas.revise": "the canvas page's Revise",
    "phone.join": "a phone joins by the form",
}
# What only the console and projector are sent; a phone never gets these.
NOT_FOR_PHONES = {
    "answer",
    "answer_removed",
    "participant",
    "counts",
    "share",
    "moved",
    "reactions",
    "themes",
    "vote_results",
}
# What only the console is sent: names, the share link, what moved for it alone.
NOT_FOR_THE_PROJECTOR = {
    "participant",
    "share",
    "moved",
    "my_answer",
    "my_answer_removed",
    "my_dots",
}


def _numbers(app: Flask, workshop_id: int) -> tuple[int, int]:
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        assert workshop is not None
        return workshop.seq, workshop.phone_seq


def _carried(message: dict[str, Any]) -> int | None:
    payload = message["args"][0] if message["args"] else {}
    if not isinstance(payload, dict):
        return None
    for key in ("seq", "order"):
        if isinstance(payload.get(key), int):
            return payload[key]
    workshop = payload.get("workshop")
    return workshop.get("seq") if isinstance(workshop, dict) else None


@pytest.fixture
def scene(room: Room) -> Scene:
    outside = Room(room.app, "Another workshop", facilitator=room.facilitator_browser)
    scene = Scene(
        room,
        room.console(),
        room.screen(),
        room.phone("Ana"),
        [outside.console(), outside.screen(), outside.phone("Oz")],
    )
    yield scene
    outside.close()


@pytest.mark.parametrize("step", range(len(STEPS)), ids=[name for name, _ in STEPS])
def test_a_change_reaches_exactly_the_rooms_that_must_hear_it(scene: Scene, step: int) -> None:
    for _, earlier in STEPS[:step]:
        earlier(scene)
    scene.room.drain()
    for outsider in scene.outsiders:
        outsider.received()
    app, workshop_id = scene.room.app, scene.room.workshop_id
    seq, phone_seq = _numbers(app, workshop_id)

    STEPS[step][1](scene)

    new_seq, new_phone_seq = _numbers(app, workshop_id)
    moved = {(False, False): "none", (True, False): "room", (True, True): "everyone"}.get(
        (new_seq != seq, new_phone_seq != phone_seq), "phones alone"
    )
    assert moved == MOVES[STEPS[step][0]], "the step moved other numbers than it should"
    console, screen, phone = (p.received() for p in (scene.console, scene.screen, scene.phone))
    if new_seq != seq:
        assert new_seq in {_carried(m) for m in console}, f"the console missed {new_seq}"
        assert new_seq in {_carried(m) for m in screen}, f"the projector missed {new_seq}"
    if new_phone_seq != phone_seq:
        assert new_phone_seq in {_carried(m) for m in phone}, f"the phone missed {new_phone_seq}"
    assert not {m["name"] for m in phone} & NOT_FOR_PHONES
    assert not {m["name"] for m in screen} & NOT_FOR_THE_PROJECTOR
    assert all(_carried(m) in (None, new_phone_seq) for m in phone), "phones count their own"
    for outsider in scene.outsiders:
        assert outsider.received() == [], "another workshop heard of it"


def test_every_state_changing_event_and_form_is_in_the_list(app: Flask) -> None:
    named = {name.split(" (")[0] for name, _ in STEPS}
    events = {event for event in socketio.server.handlers["/"] if ":" in event}
    assert events - JOIN_EVENTS - named == set(), "add the new event to STEPS"
    posted = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and rule.endpoint != "static"
    }
    unlisted = posted - NO_ROOM_FORMS - set(PAGE_STEPS)
    assert unlisted == set(), "add the new form to STEPS, or to NO_ROOM_FORMS with a reason"
    assert set(PAGE_STEPS.values()) <= named
    assert set(MOVES) == {name for name, _ in STEPS}
