"""Sessions and logins as an attacker or an unlucky facilitator meets them: guessing,
forgotten and copied cookies, leaving a team, and the passwords everyone tries first."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.people import PASSWORD, Person, Room, post_form, sign_up, team_id_of
from tests.server.live_server import csrf_token
from workshop import ratelimit
from workshop.extensions import db
from workshop.models import Invite, Membership, User
from workshop.services import accounts

NEW_PASSWORD = "lighthouse parsnip umbrella"
TOO_MANY = "Too many attempts"


def log_in(app: Flask, email: str, *, remember: bool = False, password: str = PASSWORD):
    """Log in through the form in a fresh browser; return it."""
    browser = app.test_client()
    form = {"email": email, "password": password, **({"remember": "y"} if remember else {})}
    response = post_form(browser, "/login", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def copy_of(app: Flask, browser: FlaskClient, *names: str) -> FlaskClient:
    """Another browser holding the same cookies: a copy an attacker took, or one forgotten."""
    other = app.test_client()
    for name in names:
        cookie = browser.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        other.set_cookie(name, cookie.value)
    return other


def logged_in(browser: FlaskClient) -> bool:
    return browser.get("/workshops/").status_code == 200


def log_out(browser: FlaskClient) -> None:
    token = csrf_token(browser.get("/workshops/").get_data(as_text=True))
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302


def user_id_of(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(User.id).filter_by(email=email)).scalar_one()


# Guessing


def test_the_login_limit_counts_every_spelling_of_an_address(app: Flask) -> None:
    email = sign_up(app).email
    guesser = app.test_client()
    for _ in range(10):
        post_form(guesser, "/login", {"email": email, "password": "wrong password"})
    for spelling in (f" {email}", email.upper(), f"{email}\u200b "):
        response = post_form(guesser, "/login", {"email": spelling, "password": PASSWORD})
        assert response.status_code == 401, spelling
        assert TOO_MANY in response.get_data(as_text=True), spelling


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record each delay a request would wait, instead of sleeping it."""
    recorded: list[float] = []
    monkeypatch.setattr(ratelimit, "wait", recorded.append)
    return recorded


def test_guessing_from_other_browsers_slows_a_facilitator_down_but_never_keeps_them_out(
    app: Flask, waits: list[float]
) -> None:
    email = sign_up(app).email
    for _ in range(40):  # a fresh cookie for each guess, all from one address (a proxy's)
        post_form(app.test_client(), "/login", {"email": email, "password": "wrong password"})
    waits.clear()

    assert logged_in(log_in(app, email))
    assert len(waits) == 1 and 0 < waits[0] <= 2, "slowed a little, before the answer"


def test_the_password_form_refuses_the_browser_that_guessed_and_no_other(app: Flask) -> None:
    email = sign_up(app).email
    guesser, owner = log_in(app, email), log_in(app, email)
    wrong = {"current": "not my password", "new": NEW_PASSWORD, "again": NEW_PASSWORD}
    for _ in range(10):
        post_form(guesser, "/account/password", wrong)
    right = {**wrong, "current": PASSWORD}
    assert TOO_MANY in post_form(guesser, "/account/password", right).get_data(as_text=True)
    assert post_form(owner, "/account/password", right).status_code == 302


def test_signing_up_again_and_again_for_one_address_is_limited(app: Flask) -> None:
    email = sign_up(app).email  # the first of five sign-ups for the address from this IP
    said = []
    for spelling in (email, email.upper(), f" {email}", f"{email}\u200b", email):
        form = {"name": "Mallory", "email": spelling, "password": PASSWORD, "team": ""}
        page = post_form(app.test_client(), "/signup", form).get_data(as_text=True)
        said.append("exists already" if "exists already" in page else TOO_MANY in page)
    assert said == ["exists already"] * 4 + [True]


def test_one_browser_cannot_make_accounts_without_end(app: Flask) -> None:
    browser = app.test_client()
    statuses = []
    for n in range(11):
        form = {"name": "Bot", "email": f"bot{n}@example.org", "password": PASSWORD, "team": ""}
        statuses.append(post_form(browser, "/signup", form).status_code)
    assert statuses == [302] * 10 + [200]
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 10


def test_fresh_cookies_and_fresh_addresses_cannot_make_accounts_without_end(app: Flask) -> None:
    def sign_up_from(ip: str, n: int) -> int:
        browser = app.test_client()  # a fresh cookie every time
        browser.environ_base["REMOTE_ADDR"] = ip
        form = {"name": "Bot", "email": f"bot{n}@example.org", "password": PASSWORD, "team": ""}
        return post_form(browser, "/signup", form).status_code

    statuses = [sign_up_from("203.0.113.7", n) for n in range(21)]
    assert statuses == [302] * 20 + [200]
    assert sign_up_from("198.51.100.2", 21) == 302, "another address is not held up"


# Remember me, logging out, changing the password


def test_keep_me_logged_in_is_unticked_until_the_facilitator_ticks_it(app: Flask) -> None:
    email = sign_up(app).email
    page = app.test_client().get("/login").get_data(as_text=True)
    box = re.search(r"<input[^>]*name=\"remember\"[^>]*>", page)
    assert box and 'type="checkbox"' in box[0] and "checked" not in box[0]
    assert log_in(app, email).get_cookie("remember_token") is None
    assert log_in(app, email, remember=True).get_cookie("remember_token") is not None


def test_logging_out_ends_copies_of_the_session_and_of_the_remember_cookie(app: Flask) -> None:
    email = sign_up(app).email
    browser = log_in(app, email, remember=True)
    copied_session = copy_of(app, browser, "session")
    copied_remember = copy_of(app, browser, "remember_token")
    assert logged_in(copied_session) and logged_in(copied_remember)
    log_out(browser)
    assert not logged_in(browser)
    assert not logged_in(copied_session)
    assert not logged_in(copied_remember)
    assert logged_in(log_in(app, email))


def test_changing_the_password_ends_every_other_session_and_keeps_this_one(app: Flask) -> None:
    email = sign_up(app).email
    browser = log_in(app, email, remember=True)
    elsewhere = log_in(app, email, remember=True)
    changed = post_form(
        browser,
        "/account/password",
        {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert "logged out everywhere else" in browser.get("/workshops/").get_data(as_text=True)
    assert logged_in(copy_of(app, browser, "remember_token"))
    assert not logged_in(elsewhere)
    assert not logged_in(copy_of(app, elsewhere, "remember_token"))
    old = post_form(app.test_client(), "/login", {"email": email, "password": PASSWORD})
    assert old.status_code == 401
    assert logged_in(log_in(app, email, password=NEW_PASSWORD))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"current": "not my password"}, "current password is not that one"),
        ({"again": "lighthouse parsnip"}, "two new passwords differ"),
        ({"new": "Password123", "again": "Password123"}, "most common"),
    ],
)
def test_a_password_change_with_a_mistake_changes_nothing(app: Flask, fields, message) -> None:
    browser = sign_up(app)
    form = {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD, **fields}
    response = post_form(browser, "/account/password", form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert logged_in(log_in(app, browser.email))  # type: ignore[attr-defined]


def test_the_password_page_needs_a_login_and_its_csrf_token(app: Flask) -> None:
    assert app.test_client().get("/account/password").status_code == 302
    browser = sign_up(app)
    forged = browser.post(
        "/account/password",
        data={"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD},
    )
    assert forged.status_code == 400
    assert logged_in(log_in(app, browser.email))  # type: ignore[attr-defined]


# Passwords


@pytest.mark.parametrize("password", ["qwertyuiop", "Password123", "ILOVEYOU12", "1234567890"])
def test_the_most_common_passwords_are_refused_whatever_their_case(
    app: Flask, password: str
) -> None:
    form = {"name": "Fran", "email": "fran@example.org", "password": password, "team": ""}
    response = post_form(app.test_client(), "/signup", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "one of the most common" in page
    assert 'id="password-error"' in page
    with app.app_context():
        assert db.session.execute(db.select(User)).first() is None


def test_the_password_may_not_be_the_address_itself(app: Flask) -> None:
    form = {"name": "Fran", "email": "fran.facilitator@example.org", "team": ""}
    for password in ("fran.facilitator@example.org", "Fran.Facilitator"):
        page = post_form(app.test_client(), "/signup", {**form, "password": password})
        assert "not your e-mail address" in page.get_data(as_text=True), password


def test_the_shipped_blocklist_is_a_few_thousand_lower_case_passwords() -> None:
    listed = accounts.common_passwords()
    assert 5_000 < len(listed) < 20_000
    assert all(p == p.lower() and len(p) >= 8 for p in listed)
    assert "correct horse battery" not in listed and "password1" in listed


# Open consoles


def test_logging_out_closes_the_facilitators_open_consoles(app: Flask, room: Room) -> None:
    first, second = room.console(), room.console()
    other_room = Room(app, title="Someone else's")
    try:
        stranger = other_room.console()
        log_out(room.facilitator_browser)
        for console in (first, second):
            assert not console.socket.is_connected()
        assert stranger.socket.is_connected()
        assert stranger.send("workshop:start")["ok"]
    finally:
        other_room.close()


def heard(person: Person, event: str) -> list:
    """Return the payloads of `event` a socket got, even once the server has closed it."""
    return [m["args"][0] for m in person.socket.queue if m["name"] == event]


def test_a_closed_console_is_told_why(room: Room) -> None:
    console = room.console()
    log_out(room.facilitator_browser)
    assert heard(console, "session:ended") == [
        {"reason": "logged_out", "message": "You logged out. Log in again to go on."}
    ]


# Teams


def team_page(browser: FlaskClient, team_id: int) -> str:
    return browser.get(f"/teams/{team_id}").get_data(as_text=True)


def press(browser: FlaskClient, team_id: int, action: str):  # type: ignore[no-untyped-def]
    """Press a button on the team page, with its CSRF token, as a browser does."""
    token = csrf_token(team_page(browser, team_id))
    return browser.post(f"/teams/{team_id}/{action}", data={"csrf_token": token})


def answer(phone: Person, text: str) -> None:
    question_id = phone.join_ack["state"]["question"]["id"]
    assert phone.send("answer:submit", {"question_id": question_id, "text": text})["ok"]


def test_a_removed_member_stops_receiving_the_room_at_once(app: Flask, room: Room) -> None:
    colleague = room.co_facilitator("Cole")
    theirs = room._person(colleague, "console:join", {"workshop_id": room.workshop_id})
    # Cole's own team's workshop is none of this team's business: it stays open.
    own = Room(app, title="Cole's own", facilitator=colleague)
    try:
        own_console = own.console()
        console = room.console()
        assert console.send("workshop:start")["ok"]
        ana = room.phone("Ana")
        room.drain()
        team = team_id_of(app, room.facilitator_browser)
        cole = user_id_of(app, colleague.email)  # type: ignore[attr-defined]

        assert press(room.facilitator_browser, team, f"members/{cole}/remove").status_code == 302
        answer(ana, "Only the team may read this")

        assert [a["answer"]["text"] for a in console.events("answer")] == [
            "Only the team may read this"
        ]
        assert not theirs.socket.is_connected()
        assert heard(theirs, "answer") == []
        assert [e["reason"] for e in heard(theirs, "session:ended")] == ["left_team"]
        assert own_console.socket.is_connected()
        assert colleague.get(f"/workshops/{room.workshop_id}/console").status_code == 404
    finally:
        own.close()


def test_only_an_owner_removes_members(room: Room) -> None:
    colleague = room.co_facilitator("Cole")
    team = team_id_of(room.app, room.facilitator_browser)
    owner = user_id_of(room.app, room.facilitator_browser.email)  # type: ignore[attr-defined]
    refused = press(colleague, team, f"members/{owner}/remove")
    assert refused.status_code == 302
    assert "Only an owner" in team_page(colleague, team)
    assert "Remove Fran" not in team_page(colleague, team)
    with room.app.app_context():
        assert db.session.execute(db.select(db.func.count(Membership.id))).scalar_one() == 3


def test_invite_links_a_removed_member_made_stop_working(room: Room) -> None:
    colleague = room.co_facilitator("Cole")
    team = team_id_of(room.app, room.facilitator_browser)
    press(colleague, team, "invites")
    with room.app.app_context():
        cole = user_id_of(room.app, colleague.email)  # type: ignore[attr-defined]
        theirs = db.session.execute(db.select(Invite).filter_by(created_by_id=cole)).scalar_one()
    press(room.facilitator_browser, team, f"members/{cole}/remove")
    assert colleague.get(f"/teams/join/{theirs.token}").status_code == 404


def invite_links(browser: FlaskClient, team_id: int) -> list[str]:
    return re.findall(
        r'class="invite-link" href="[^"]*(/teams/join/[^"]+)"', team_page(browser, team_id)
    )


def test_a_removed_member_cannot_rejoin_by_the_link_they_joined_by(room: Room) -> None:
    colleague = room.co_facilitator("Cole")
    team = team_id_of(room.app, room.facilitator_browser)
    [joined_by] = invite_links(room.facilitator_browser, team)
    cole = user_id_of(room.app, colleague.email)  # type: ignore[attr-defined]
    removed = press(room.facilitator_browser, team, f"members/{cole}/remove")
    assert "make a new link" in team_page(room.facilitator_browser, team)
    assert removed.status_code == 302 and invite_links(room.facilitator_browser, team) == []

    assert post_form(colleague, joined_by, {}).status_code == 404
    assert colleague.get(f"/workshops/{room.workshop_id}/console").status_code == 404


def test_a_member_sees_only_the_invite_links_they_made(room: Room) -> None:
    colleague = room.co_facilitator("Cole")
    team = team_id_of(room.app, room.facilitator_browser)
    assert invite_links(colleague, team) == [], "the owner's link is the owner's to hand out"
    press(colleague, team, "invites")
    assert len(invite_links(colleague, team)) == 1, "their own link, to send"
    assert len(invite_links(room.facilitator_browser, team)) == 2


def test_a_member_leaves_and_the_last_owner_hands_over_first(room: Room) -> None:
    colleague = room.co_facilitator("Cole")
    console = room._person(colleague, "console:join", {"workshop_id": room.workshop_id})
    team = team_id_of(room.app, room.facilitator_browser)
    fran = room.facilitator_browser

    assert press(fran, team, "leave").status_code == 302
    assert "only owner" in team_page(fran, team)
    cole = user_id_of(room.app, colleague.email)  # type: ignore[attr-defined]
    assert press(fran, team, f"members/{cole}/owner").status_code == 302
    assert press(fran, team, "leave").headers["Location"] == "/workshops/"
    assert fran.get(f"/teams/{team}").status_code == 404
    assert console.socket.is_connected()  # Cole is still in the team

    assert press(colleague, team, "leave").status_code == 302
    assert "only member" in team_page(colleague, team)
