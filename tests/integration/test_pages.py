"""Every page, as a browser gets it: status, the content that matters, and escaping."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.people import Room, created_workshop_id, post_form, sign_up, team_id_of
from workshop.extensions import db
from workshop.models import Workshop

XSS_TITLE = '<script>alert("x")</script> & <b>bold</b>'


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_the_home_page_offers_joining_by_code_and_running_a_workshop(client: FlaskClient) -> None:
    html = page(client, "/")
    assert 'name="code"' in html and "<label" in html
    assert 'href="/workshops/new"' in html
    assert 'src="/static/vendor/' not in html, "the join page needs no socket client"


def test_a_known_code_leads_to_the_join_page_and_an_unknown_one_says_so(room: Room) -> None:
    client = room.app.test_client()
    found = post_form(client, "/", {"code": f" {room.code[:3].lower()}-{room.code[3:]} "})
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/j/{room.code}")

    missing = post_form(client, "/", {"code": "ZZZZZZ"})
    malformed = post_form(client, "/", {"code": "0O1IL!"})
    assert missing.status_code == malformed.status_code == 404
    assert "No workshop is using that code" in missing.get_data(as_text=True)
    assert "No workshop is using that code" in malformed.get_data(as_text=True)


def test_the_new_workshop_form_refuses_a_blank_title(app: Flask) -> None:
    client = sign_up(app)
    assert 'name="title"' in page(client, "/workshops/new")
    response = post_form(
        client,
        "/workshops/new",
        {"title": "   ", "method": "self-and-world", "team": team_id_of(app, client)},
    )
    assert response.status_code == 200
    assert "title" in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session.execute(db.select(Workshop)).first() is None


def test_the_console_shows_the_code_link_qr_and_questions_to_its_creator_only(room: Room) -> None:
    html = page(room.facilitator_browser, f"/workshops/{room.workshop_id}/console")
    assert "Partnering 2027" in html and room.code in html
    assert f"/j/{room.code}" in html
    assert "<svg" in html and 'class="qr"' in html
    assert f"/screen/{room.screen_token}" in html
    assert "What does partnering mean for us?" in html
    assert "Which values must a partner share with us?" in html
    anonymous = room.app.test_client().get(f"/workshops/{room.workshop_id}/console")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    page(sign_up(room.app, "Other Team"), f"/workshops/{room.workshop_id}/console", 404)
    page(room.facilitator_browser, "/workshops/999/console", 404)


def test_the_home_page_lists_the_workshops_of_the_facilitators_team(room: Room) -> None:
    html = page(room.facilitator_browser, "/")
    assert f"/workshops/{room.workshop_id}/console" in html
    assert f"/workshops/{room.workshop_id}/console" not in page(room.app.test_client(), "/")


def test_the_projector_page_shows_the_code_and_qr_and_has_no_controls(room: Room) -> None:
    html = page(room.app.test_client(), f"/screen/{room.screen_token}")
    assert room.code in html and "<svg" in html and "Partnering 2027" in html
    assert "<form" not in html
    page(room.app.test_client(), "/screen/wrong-token", 404)


def test_the_join_page_asks_for_a_name_or_anonymity(room: Room) -> None:
    client = room.app.test_client()
    html = page(client, f"/j/{room.code}")
    assert "Partnering 2027" in html
    assert 'name="name"' in html and 'name="anonymous"' in html
    assert client.get(f"/j/{room.code.lower()}").headers["Location"].endswith(f"/j/{room.code}")
    page(client, "/j/ZZZZZZ", 404)


def test_the_phone_page_needs_a_join_first_then_shows_the_person(room: Room) -> None:
    client = room.app.test_client()
    # Before joining, the live page names nobody (its script brings back the form).
    assert "data-person-id" not in page(client, f"/j/{room.code}/live")
    post_form(client, f"/j/{room.code}", {"name": "Ana", "submit": "Join"})
    html = page(client, f"/j/{room.code}/live")
    assert "Ana" in html and "Partnering 2027" in html
    assert "/static/vendor/socket.io/" in html
    # Coming back to the join link goes straight in, as the same person.
    assert client.get(f"/j/{room.code}").headers["Location"].endswith(f"/j/{room.code}/live")


def test_a_name_that_is_too_long_is_refused_on_the_join_page(room: Room) -> None:
    client = room.app.test_client()
    typed = "<b>" + "n" * 38
    response = post_form(client, f"/j/{room.code}", {"name": typed, "submit": "Join"})
    assert response.status_code == 200
    assert "data-person-id" not in page(client, f"/j/{room.code}/live")
    # The phone sees why, next to the field, and what it typed is kept, as text.
    html = response.get_data(as_text=True)
    field = re.search(r'<input[^>]* id="name"[^>]*>', html)
    assert field, html
    assert 'aria-invalid="true"' in field[0]
    assert 'aria-describedby="name-help name-error"' in field[0]
    assert 'value="&lt;b&gt;' + "n" * 38 + '"' in field[0]
    assert re.search(r'<p class="field-error" id="name-error" role="alert">[^<]*40', html)


def test_an_ended_workshop_says_so_to_a_new_phone(room: Room) -> None:
    console = room.console()
    console.send("workshop:end")
    html = page(room.app.test_client(), f"/j/{room.code}", 410)
    assert "ended" in html.lower()
    # Its live address too, for a phone that never joined: no form to fill in for nothing.
    html = page(room.app.test_client(), f"/j/{room.code}/live", 410)
    assert "ended" in html.lower() and 'id="join-form"' not in html


def test_the_qr_code_is_an_svg_of_the_join_link(room: Room) -> None:
    response = room.app.test_client().get(f"/j/{room.code}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).lstrip().startswith("<svg")


def test_user_text_is_escaped_on_every_page(app: Flask) -> None:
    room = Room(app, title=XSS_TITLE)
    try:
        phone = app.test_client()
        post_form(
            phone, f"/j/{room.code}", {"name": '<img src=x onerror="alert(1)">', "submit": "Join"}
        )
        pages = [
            page(room.facilitator_browser, "/"),
            page(room.facilitator_browser, f"/workshops/{room.workshop_id}/console"),
            page(app.test_client(), f"/screen/{room.screen_token}"),
            page(app.test_client(), f"/j/{room.code}"),
            page(phone, f"/j/{room.code}/live"),
        ]
        for html in pages:
            assert "<script>alert" not in html and "<b>bold</b>" not in html
            assert "&lt;script&gt;" in html
        assert "<img src=x" not in pages[-1]
    finally:
        room.close()


def test_a_form_posted_without_its_csrf_token_is_refused(app: Flask) -> None:
    client = sign_up(app)
    team = team_id_of(app, client)
    refused = client.post(
        "/workshops/new", data={"title": "No token", "method": "self-and-world", "team": team}
    )
    assert refused.status_code == 400
    accepted = post_form(
        client, "/workshops/new", {"title": "With token", "method": "self-and-world", "team": team}
    )
    assert accepted.status_code == 302
    with app.app_context():
        titles = db.session.execute(db.select(Workshop.title)).scalars().all()
    assert titles == ["With token"]
    assert created_workshop_id(accepted.headers["Location"]) == 1


def test_a_phone_whose_participant_is_gone_can_join_again(room: Room) -> None:
    from workshop.models import Participant

    phone = room.phone("Ana")
    with room.app.app_context():
        db.session.execute(db.delete(Participant))
        db.session.commit()

    assert "/live" not in phone.browser.get(f"/j/{room.code}").headers.get("Location", "")
    assert 'name="name"' in page(phone.browser, f"/j/{room.code}")
    assert "data-person-id" not in page(phone.browser, f"/j/{room.code}/live")
