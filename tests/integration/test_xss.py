"""A battery of script payloads typed as names, answers, titles and statements.

Every page shows them as text, and every export carries them inert.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from flask import Flask

from tests.people import Room, post_form, sign_up

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "<svg/onload=alert(3)>",
    "</textarea><script>alert(4)</script>",
    "' onmouseover='alert(5)",
    "javascript:alert(6)",
    "{{7*7}}{% raw %}",
    "[click](javascript:alert(8))",
    '=HYPERLINK("http://evil")',
]
# What must never reach a page unescaped.
DANGEROUS = [p for p in PAYLOADS if "<" in p or '"' in p or "'" in p]


@pytest.fixture
def poisoned(app: Flask):  # type: ignore[no-untyped-def]
    """A workshop where every piece of user text is a payload, sealed and shared."""
    facilitator = sign_up(app, "Eve <b>")
    room = Room(app, title=PAYLOADS[0], facilitator=facilitator)
    console = room.console()
    room.screen()
    phones = [room.phone(p[:40]) for p in PAYLOADS[:3]]
    console.send("workshop:start")
    question = console.send("console:join", {"workshop_id": room.workshop_id})["state"][
        "questions"
    ][0]
    for n, payload in enumerate(PAYLOADS):
        phones[n % 3].send("answer:submit", {"question_id": question["id"], "text": payload})
    console.send("answers:reveal", {"revealed": True})
    console.send("workshop:synthesis")
    fields = ["motivation", "purpose", "must_haves", "can_dos", "sphere", "vision"]
    for key, n in zip(fields, [0, 1, 2, 3, 6, 5], strict=True):
        console.send("canvas:statement", {"field": key, "text": PAYLOADS[n], "version": 0})
    console.send("canvas:values", {"facet": "ours", "items": PAYLOADS[:3], "version": 0})
    console.send("canvas:pin", {"field": "vision", "answer_id": 1, "pinned": True})
    console.send("canvas:seal")
    console.send("canvas:statement", {"field": "vision", "text": PAYLOADS[3], "version": 1})
    console.send("canvas:seal")
    room.canvas_action("share")
    yield room, phones
    room.close()


def _pages(room: Room, phones) -> dict[str, str]:  # type: ignore[no-untyped-def]
    f = room.facilitator_browser
    canvas = f.get(f"/workshops/{room.workshop_id}/canvas").get_data(as_text=True)
    share = re.search(r'id="share-url" href="[^"]*(/c/[^"]+)"', canvas)[1]
    team = re.search(r'href="(/teams/\d+)"', f.get("/workshops/").get_data(as_text=True))
    urls = {
        "home": (f, "/"),
        "dashboard": (f, "/workshops/"),
        "console": (f, f"/workshops/{room.workshop_id}/console"),
        "canvas v1": (f, f"/workshops/{room.workshop_id}/canvas?version=1"),
        "compare": (f, f"/workshops/{room.workshop_id}/canvas/compare?a=1&b=2"),
        "screen": (room.app.test_client(), f"/screen/{room.screen_token}"),
        "join": (room.app.test_client(), f"/j/{room.code}"),
        "phone": (phones[1].browser, f"/j/{room.code}/live"),
        "shared": (room.app.test_client(), share),
    }
    pages = {"canvas": canvas}
    if team:
        urls["team"] = (f, team[1])
    for name, (browser, url) in urls.items():
        response = browser.get(url)
        assert response.status_code == 200, (name, url)
        pages[name] = response.get_data(as_text=True)
    return pages


def test_every_page_shows_the_payloads_as_text(poisoned) -> None:
    room, phones = poisoned
    pages = _pages(room, phones)
    for name, html in pages.items():
        for payload in DANGEROUS:
            assert payload not in html, (name, payload)
        assert "<script>alert" not in html, name
        assert 'href="javascript:' not in html, name
        assert "onerror=alert" not in html.replace("onerror=alert(2)&gt;", ""), name
    for name in ("console", "canvas", "canvas v1", "shared", "screen", "join", "phone"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[name], name
    # The template payload is shown as typed and never evaluated. "49" may still occur inside
    # random tokens (share links, CSRF), so only a 49 standing on its own counts.
    assert "{{7*7}}" in pages["canvas"]
    assert re.search(r"(?<![\w.-])49(?![\w.-])", pages["canvas"]) is None


def test_every_export_carries_the_payloads_inert(poisoned) -> None:
    room, _ = poisoned
    f = room.facilitator_browser
    md = f.get(f"/workshops/{room.workshop_id}/canvas.md?version=1").get_data(as_text=True)
    for payload in DANGEROUS:
        assert payload not in md
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in md
    assert "](javascript:" not in md, "no live Markdown link"

    raw = f.get(f"/workshops/{room.workshop_id}/canvas.json?version=1")
    assert raw.mimetype == "application/json"
    assert raw.headers["X-Content-Type-Options"] == "nosniff"
    doc = json.loads(raw.data)
    assert doc["fields"][0]["statement"] == PAYLOADS[0], "JSON keeps the text exactly"

    rows = list(
        csv.reader(
            io.StringIO(f.get(f"/workshops/{room.workshop_id}/answers.csv").get_data(as_text=True))
        )
    )
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells, "a formula is defused with a leading quote"
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_payload_names_and_titles_are_escaped_in_forms_too(app: Flask) -> None:
    browser = app.test_client()
    response = post_form(
        browser,
        "/signup",
        {"name": PAYLOADS[1], "email": "not-an-email", "password": "short", "team": PAYLOADS[0]},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert PAYLOADS[1] not in html and PAYLOADS[0] not in html
