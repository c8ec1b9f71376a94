"""The people in a workshop, driven through the real pages and sockets.

A facilitator creates the workshop with the form and opens its console; a
projector opens the screen link; phones join with the code and a name. Each
gets a Flask test client (its own cookies) and a Socket.IO test client.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from tests.server.live_server import csrf_token
from workshop.extensions import db, socketio
from workshop.models import Answer, User, Workshop


@dataclass
class Person:
    browser: FlaskClient
    socket: SocketIOTestClient
    join_ack: dict[str, Any] = field(default_factory=dict)

    def send(self, event: str, payload: Any = None) -> dict[str, Any]:
        """Emit an event and return its acknowledgement."""
        if payload is None:
            return self.socket.emit(event, callback=True)
        return self.socket.emit(event, payload, callback=True)

    def received(self) -> list[dict[str, Any]]:
        """Return and forget what the server sent since the last call."""
        return self.socket.get_received()

    def events(self, name: str) -> list[Any]:
        """Return the payloads of one event received since the last call."""
        return [message["args"][0] for message in self.received() if message["name"] == name]


def post_form(browser: FlaskClient, url: str, data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """GET the form's page, then POST it with the CSRF token it carries, as a browser does."""
    token = csrf_token(browser.get(url).get_data(as_text=True))
    return browser.post(url, data={**data, "csrf_token": token})


def created_workshop_id(location: str) -> int:
    match = re.search(r"/workshops/(\d+)/console", location)
    assert match, f"not redirected to a console: {location}"
    return int(match.group(1))


PASSWORD = "correct horse battery"


def sign_up(app: Flask, name: str = "Fran") -> FlaskClient:
    """Sign a facilitator up through the form, with a first team; return the logged-in browser."""
    browser = app.test_client()
    email = f"{name.lower().replace(' ', '.')}-{uuid.uuid4().hex[:8]}@example.org"
    response = post_form(
        browser,
        "/signup",
        {"name": name, "email": email, "password": PASSWORD, "team": f"{name}'s team"},
    )
    assert response.status_code == 302, response.data
    browser.email = email  # type: ignore[attr-defined]
    return browser


def team_id_of(app: Flask, browser: FlaskClient) -> int:
    """Return the first team of the facilitator logged in on `browser`."""
    with app.app_context():
        user = db.session.execute(
            db.select(User).filter_by(email=browser.email)  # type: ignore[attr-defined]
        ).scalar_one()
        return user.memberships[0].team_id


def new_workshop(app: Flask, browser: FlaskClient, title: str) -> int:
    """Create a workshop through the form as the facilitator on `browser`; return its id."""
    response = post_form(
        browser,
        "/workshops/new",
        {
            "title": title,
            "organisation": "Acme Ltd",
            "team": team_id_of(app, browser),
            "method": "self-and-world",
        },
    )
    assert response.status_code == 302, response.data
    return created_workshop_id(response.headers["Location"])


class Room:
    """One workshop and the people in it."""

    def __init__(
        self, app: Flask, title: str = "Partnering 2027", facilitator: FlaskClient | None = None
    ) -> None:
        self.app = app
        self.people: list[Person] = []
        browser = facilitator or sign_up(app)
        self.workshop_id = new_workshop(app, browser, title)
        self.facilitator_browser = browser
        with app.app_context():
            workshop = db.session.get(Workshop, self.workshop_id)
            assert workshop is not None
            self.code = workshop.join_code
            self.screen_token = workshop.screen_token

    def _connect(self, browser: FlaskClient) -> SocketIOTestClient:
        socket = socketio.test_client(self.app, flask_test_client=browser)
        assert socket.is_connected()
        return socket

    def _person(self, browser: FlaskClient, event: str, payload: dict[str, Any]) -> Person:
        person = Person(browser, self._connect(browser))
        person.join_ack = person.send(event, payload)
        assert person.join_ack["ok"], person.join_ack
        person.received()
        self.people.append(person)
        return person

    def console(self) -> Person:
        """Open the console in the facilitator's browser."""
        return self._person(
            self.facilitator_browser, "console:join", {"workshop_id": self.workshop_id}
        )

    def screen(self) -> Person:
        """Open the projector link in a fresh browser."""
        return self._person(self.app.test_client(), "screen:join", {"token": self.screen_token})

    def phone(self, name: str | None = None) -> Person:
        """Join from a fresh phone with the code: by name, or anonymously when None."""
        browser = self.app.test_client()
        assert post_form(browser, "/", {"code": self.code.lower()}).status_code == 302
        form = {"name": name, "submit": "Join"} if name else {"anonymous": "Join anonymously"}
        response = post_form(browser, f"/j/{self.code}", form)
        assert response.status_code == 302, response.data
        assert response.headers["Location"].endswith(f"/j/{self.code}/live")
        return self._person(browser, "phone:join", {"workshop_id": self.workshop_id})

    def answers(self) -> list[tuple[str, str]]:
        """Return (author, text) of every stored answer, oldest first."""
        with self.app.app_context():
            rows = db.session.execute(
                db.select(Answer).filter_by(workshop_id=self.workshop_id).order_by(Answer.id)
            ).scalars()
            return [(a.participant.display_name, a.text) for a in rows]

    def workshop(self) -> dict[str, Any]:
        """Return the pointer columns of the workshop as stored."""
        with self.app.app_context():
            w = db.session.get(Workshop, self.workshop_id)
            assert w is not None
            return {
                "phase": w.phase,
                "position": w.position,
                "answering_open": w.answering_open,
                "timer_ends_at": w.timer_ends_at,
            }

    def canvas_action(self, action: str, **fields: Any):  # type: ignore[no-untyped-def]
        """Press a canvas-page button (share, share/revoke, seal, revise) as the facilitator."""
        browser = self.facilitator_browser
        page = browser.get(f"/workshops/{self.workshop_id}/canvas").get_data(as_text=True)
        return browser.post(
            f"/workshops/{self.workshop_id}/{action}",
            data={**fields, "csrf_token": csrf_token(page)},
        )

    def co_facilitator(self, name: str = "Cole") -> FlaskClient:
        """Invite a colleague to the team with an invite link; return their logged-in browser."""
        team_id = team_id_of(self.app, self.facilitator_browser)
        page = self.facilitator_browser.get(f"/teams/{team_id}").get_data(as_text=True)
        token = csrf_token(page)
        self.facilitator_browser.post(f"/teams/{team_id}/invites", data={"csrf_token": token})
        page = self.facilitator_browser.get(f"/teams/{team_id}").get_data(as_text=True)
        invite = re.search(r'class="invite-link" href="[^"]*(/teams/join/[^"]+)"', page)
        assert invite, "no invite link on the team page"
        colleague = sign_up(self.app, name)
        assert post_form(colleague, invite[1], {}).status_code == 302
        return colleague

    def drain(self) -> None:
        """Forget everything received so far, before the next step's assertions."""
        for person in self.people:
            person.received()

    def close(self) -> None:
        for person in self.people:
            if person.socket.is_connected():
                person.socket.disconnect()
