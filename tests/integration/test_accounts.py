"""Facilitator accounts, teams and invitations; participants' signed rejoin tokens."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.people import PASSWORD, Room, post_form, sign_up, team_id_of
from tests.server.live_server import csrf_token
from workshop import create_app
from workshop.extensions import db
from workshop.models import Invite, Membership, User, utcnow


def test_signing_up_logs_in_and_makes_a_first_team(app: Flask) -> None:
    browser = sign_up(app, "Fran")
    dashboard = browser.get("/workshops/")
    assert dashboard.status_code == 200
    assert "Fran" in dashboard.get_data(as_text=True)
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.email == browser.email and user.password_hash != PASSWORD
        assert [(m.role, m.team.name) for m in user.memberships] == [("owner", "Fran's team")]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "too short"}, "at least 10 characters"),
        ({"email": "not-an-address"}, "full e-mail address"),
        ({"name": "   "}, "name"),
    ],
)
def test_signing_up_refuses_weak_or_incomplete_details(app: Flask, fields, message) -> None:
    form = {"name": "Fran", "email": "fran@example.org", "password": PASSWORD, "team": "T"}
    response = post_form(app.test_client(), "/signup", {**form, **fields})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(User)).first() is None


def test_one_account_per_email_address(app: Flask) -> None:
    first = sign_up(app, "Fran")
    again = post_form(
        app.test_client(),
        "/signup",
        {"name": "Fran", "email": first.email.upper(), "password": PASSWORD, "team": ""},
    )
    assert "exists already" in again.get_data(as_text=True)


def test_logging_in_and_out(app: Flask) -> None:
    email = sign_up(app).email
    browser = app.test_client()
    wrong_password = post_form(browser, "/login", {"email": email, "password": "wrong password"})
    no_account = post_form(browser, "/login", {"email": "nobody@example.org", "password": PASSWORD})
    assert wrong_password.status_code == no_account.status_code == 401
    message = "That e-mail address and password do not match an account."
    assert message in wrong_password.get_data(as_text=True)
    assert message in no_account.get_data(as_text=True)

    ok = post_form(
        browser, "/login?next=/workshops/", {"email": email.upper(), "password": PASSWORD}
    )
    assert ok.status_code == 302 and ok.headers["Location"] == "/workshops/"
    assert browser.get("/workshops/").status_code == 200
    token = csrf_token(browser.get("/").get_data(as_text=True))
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302
    assert browser.get("/workshops/").status_code == 302


def test_login_never_redirects_to_another_site(app: Flask) -> None:
    email = sign_up(app).email
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = post_form(
            app.test_client(), f"/login?next={target}", {"email": email, "password": PASSWORD}
        )
        assert response.headers["Location"] == "/workshops/", target


def test_the_session_cookie_is_httponly_and_lax_and_secure_over_https(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("WORKSHOP_HTTPS", "1")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": tmp_path,
            "ASYNC_MODE": "threading",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.db'}",
        }
    )
    response = app.test_client().get("/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    with app.app_context():
        db.engine.dispose()


def test_a_colleague_invited_to_the_team_can_co_facilitate(room: Room) -> None:
    colleague = room.co_facilitator("Cole")
    assert colleague.get(f"/workshops/{room.workshop_id}/console").status_code == 200
    second = room._person(colleague, "console:join", {"workshop_id": room.workshop_id})
    assert second.send("workshop:start")["ok"]
    assert room.workshop()["phase"] == "questions"


def test_an_expired_or_withdrawn_invite_does_not_work(room: Room) -> None:
    team = team_id_of(room.app, room.facilitator_browser)
    room.co_facilitator("First")  # makes one invite link
    with room.app.app_context():
        invite = db.session.execute(db.select(Invite)).scalar_one()
        invite.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        token = invite.token
    late = sign_up(room.app, "Late")
    assert late.get(f"/teams/join/{token}").status_code == 404
    with room.app.app_context():
        invite = db.session.execute(db.select(Invite)).scalar_one()
        invite.expires_at = utcnow() + timedelta(days=1)
        invite.revoked = True
        db.session.commit()
    assert late.get(f"/teams/join/{token}").status_code == 404
    assert late.get(f"/workshops/{room.workshop_id}/console").status_code == 404
    assert team


def test_someone_removed_from_the_team_loses_control_at_once(room: Room) -> None:
    colleague = room.co_facilitator("Cole")
    console = room._person(colleague, "console:join", {"workshop_id": room.workshop_id})
    with room.app.app_context():
        user = db.session.execute(db.select(User).filter_by(email=colleague.email)).scalar_one()
        db.session.execute(db.delete(Membership).filter_by(user_id=user.id))
        db.session.commit()
    ack = console.send("workshop:start")
    assert ack["error"]["code"] == "forbidden"
    assert room.workshop()["phase"] == "lobby"


def test_a_phone_that_lost_its_cookie_comes_back_with_its_token(room: Room) -> None:
    console, ana = room.console(), room.phone("Ana")
    console.send("workshop:start")
    page = ana.browser.get(f"/j/{room.code}/live").get_data(as_text=True)
    token = re.search(r'data-rejoin-token="([^"]+)"', page)[1]
    question_id = ana.events("state")[0]["question"]["id"]
    sent = ana.send("answer:submit", {"question_id": question_id, "text": "Kept"})["answer"]

    fresh = room.app.test_client()  # the cookie is gone; localStorage still has the token
    again = room._person(fresh, "phone:join", {"workshop_id": room.workshop_id, "token": token})
    assert again.join_ack["me"]["name"] == "Ana"
    assert again.join_ack["answers"] == [sent]

    # Without the cookie the live page still opens; its script rejoins with the token.
    cookieless = room.app.test_client().get(f"/j/{room.code}/live")
    assert cookieless.status_code == 200
    page = cookieless.get_data(as_text=True)
    assert 'data-view="connecting"' in page
    assert "data-person-id" not in page and "Ana" not in page


def test_a_forged_or_foreign_rejoin_token_is_refused(app: Flask, room: Room) -> None:
    room.phone("Ana")
    other = Room(app, title="Other")
    try:
        zed = other.phone("Zed")
        page = zed.browser.get(f"/j/{other.code}/live").get_data(as_text=True)
        foreign = re.search(r'data-rejoin-token="([^"]+)"', page)[1]
        from workshop.extensions import socketio

        for token in (foreign, "WzEsIDFd.forged", ""):
            stranger = socketio.test_client(app)
            ack = stranger.emit(
                "phone:join", {"workshop_id": room.workshop_id, "token": token}, callback=True
            )
            assert ack["error"]["code"] == "not_found", token
            stranger.disconnect()
    finally:
        other.close()


def test_the_flask_commands_create_a_user_and_a_team(app: Flask) -> None:
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "create-user",
            "ops@example.org",
            "--name",
            "Ops",
            "--password",
            PASSWORD,
            "--team",
            "Ops team",
        ]
    )
    assert made.exit_code == 0, made.output
    team = runner.invoke(args=["create-team", "Second team", "--owner", "OPS@example.org"])
    assert team.exit_code == 0, team.output
    short = runner.invoke(
        args=["create-user", "x@example.org", "--name", "X", "--password", "short"]
    )
    assert short.exit_code != 0 and "at least 10" in short.output
    missing = runner.invoke(args=["create-team", "T", "--owner", "nobody@example.org"])
    assert missing.exit_code != 0 and "No account" in missing.output
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(email="ops@example.org")).scalar_one()
        assert sorted(m.team.name for m in user.memberships) == ["Ops team", "Second team"]
    browser = app.test_client()
    assert (
        post_form(browser, "/login", {"email": "ops@example.org", "password": PASSWORD}).status_code
        == 302
    )
