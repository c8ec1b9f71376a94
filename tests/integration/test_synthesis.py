"""Synthesis: the room's answers become the strategy canvas, live, then sealed and shared."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.people import Person, Room
from tests.server.live_server import csrf_token

ANSWERS = {
    0: ["Reach into the schools market", "Know-how on cold chains"],
    1: ["We cannot do it alone", "Partners make it last"],
    2: ["We have growers; we lack distribution"],
    3: ["Two people and a shared roadmap"],
    4: ["School meals in the north region"],
    5: ["Fresh local food in every school"],
    6: ["Honesty", "Care for growers"],
    7: ["Fair pay for farmers"],
}


def answer_everything(room: Room, console: Person, phones: list[Person]) -> dict[int, list[dict]]:
    """Walk every question; each phone sends its share of the answers. Return them by position."""
    console.send("workshop:start")
    sent: dict[int, list[dict]] = {}
    turn = 0
    for position, texts in ANSWERS.items():
        if position:
            console.send("workshop:next")
        state = console.send("console:join", {"workshop_id": room.workshop_id})["state"]
        question_id = state["questions"][position]["id"]
        sent[position] = []
        for text in texts:
            phone = phones[turn % len(phones)]
            turn += 1
            ack = phone.send("answer:submit", {"question_id": question_id, "text": text})
            sent[position].append(ack["answer"])
    return sent


def field(state: dict, key: str) -> dict:
    return next(f for f in state["canvas"]["fields"] if f["key"] == key)


@pytest.fixture
def synthesis(room: Room):
    console, screen = room.console(), room.screen()
    phones = [room.phone("Ana"), room.phone("Ben"), room.phone(None)]
    sent = answer_everything(room, console, phones)
    assert console.send("workshop:synthesis") == {"ok": True, "phase": "synthesis"}
    room.drain()
    state = console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    return room, console, screen, phones, sent, state


def test_the_canvas_builds_live_on_every_screen(synthesis) -> None:
    _, console, screen, phones, sent, state = synthesis
    motivation = field(state, "motivation")
    assert motivation["statement"] == "" and motivation["version"] == 0
    assert [f["key"] for f in state["canvas"]["fields"]] == [
        "motivation",
        "purpose",
        "must_haves",
        "can_dos",
        "sphere",
        "vision",
        "values",
    ]

    ack = console.send(
        "canvas:statement",
        {"field": "motivation", "text": "Reach schools we cannot reach alone.", "version": 0},
    )

    assert ack["ok"] and ack["field"]["version"] == 1
    [on_screen] = screen.events("canvas_field")
    assert on_screen["field"]["statement"] == "Reach schools we cannot reach alone."
    assert "pins" not in on_screen["field"]
    for phone in phones:
        [seen] = phone.events("canvas_field")
        assert seen["field"]["statement"] == "Reach schools we cannot reach alone."

    console.send(
        "canvas:pin", {"field": "motivation", "answer_id": sent[0][0]["id"], "pinned": True}
    )
    assert console.events("canvas_field")[-1]["field"]["pins"] == [sent[0][0]["id"]]
    assert (
        console.send("canvas:purpose", {"purpose": "both", "version": 0})["field"]["purpose"]
        == "both"
    )
    values = console.send(
        "canvas:values",
        {"facet": "ours", "items": ["Honesty", " honesty ", "Care for growers"], "version": 0},
    )
    assert values["field"]["values"] == {"ours": ["Honesty", "Care for growers"], "shared": []}


def test_a_stale_edit_from_a_second_console_is_refused_not_silently_lost(synthesis) -> None:
    room, first, *_ = synthesis
    second = room.console()  # a co-facilitator's console on another laptop

    mine = first.send("canvas:statement", {"field": "vision", "text": "Fresh food", "version": 0})
    theirs = second.send(
        "canvas:statement", {"field": "vision", "text": "Local food", "version": 0}
    )

    assert mine["ok"] and mine["field"]["version"] == 1
    assert theirs["ok"] is False and theirs["error"]["code"] == "stale"
    assert "Someone else changed this field" in theirs["error"]["message"]
    assert theirs["error"]["details"]["field"]["statement"] == "Fresh food"
    assert theirs["error"]["details"]["field"]["version"] == 1
    # The second console saw the first one's edit live, and can build on it.
    assert second.events("canvas_field")[-1]["field"]["statement"] == "Fresh food"
    retried = second.send(
        "canvas:statement", {"field": "vision", "text": "Fresh, local food", "version": 1}
    )
    assert retried["ok"] and retried["field"]["version"] == 2
    state = first.send("console:join", {"workshop_id": room.workshop_id})["state"]
    assert field(state, "vision")["statement"] == "Fresh, local food"


def test_edits_to_different_fields_never_conflict(synthesis) -> None:
    room, first, *_ = synthesis
    second = room.console()
    assert first.send("canvas:statement", {"field": "sphere", "text": "North", "version": 0})["ok"]
    assert second.send("canvas:statement", {"field": "vision", "text": "Food", "version": 0})["ok"]


def test_phones_react_and_change_their_minds_with_live_tallies(synthesis) -> None:
    room, console, screen, phones, _, _ = synthesis
    ana, ben, anon = phones

    assert ana.send("canvas:react", {"field": "vision", "reaction": "agree"})["reactions"] == {
        "agree": 1,
        "concern": 0,
    }
    ben.send("canvas:react", {"field": "vision", "reaction": "concern"})
    anon.send("canvas:react", {"field": "vision", "reaction": "agree"})
    changed = ana.send("canvas:react", {"field": "vision", "reaction": "concern"})
    withdrawn = anon.send("canvas:react", {"field": "vision", "reaction": None})

    assert changed["reactions"] == {"agree": 1, "concern": 2}
    assert withdrawn == {
        "ok": True,
        "field": "vision",
        "reaction": None,
        "reactions": {"agree": 0, "concern": 2},
    }
    assert [r["reactions"] for r in screen.events("reactions")] == [
        {"agree": 1, "concern": 0},
        {"agree": 1, "concern": 1},
        {"agree": 2, "concern": 1},
        {"agree": 1, "concern": 2},
        {"agree": 0, "concern": 2},
    ]
    last = console.events("reactions")[-1]
    assert (last["field"], last["reactions"]) == ("vision", {"agree": 0, "concern": 2})
    assert "reactions" not in {m["name"] for m in ben.received()}, "phones get no tally traffic"
    rejoined = room._person(ana.browser, "phone:join", {"workshop_id": room.workshop_id})
    assert rejoined.join_ack["reactions"] == {"vision": "concern"}
    assert field(rejoined.join_ack["state"], "vision")["reactions"] == {"agree": 0, "concern": 2}


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"field": "vision", "reaction": "love"}, "invalid"),
        ({"field": "nope", "reaction": "agree"}, "not_found"),
        ({"field": 5, "reaction": "agree"}, "invalid"),
        ({"field": "vision", "reaction": "agree", "weight": 3}, "invalid"),
    ],
)
def test_a_bad_reaction_is_refused(synthesis, payload: dict, code: str) -> None:
    _, _, _, phones, _, _ = synthesis
    assert phones[0].send("canvas:react", payload)["error"]["code"] == code


def test_reactions_wait_for_the_synthesis(room: Room) -> None:
    console, phone = room.console(), room.phone("Ana")
    console.send("workshop:start")
    ack = phone.send("canvas:react", {"field": "vision", "reaction": "agree"})
    assert ack["error"]["code"] == "answering_closed"


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("workshop:synthesis", {}),
        ("canvas:statement", {"field": "vision", "text": "Mine now", "version": 0}),
        ("canvas:purpose", {"purpose": "momentum", "version": 0}),
        ("canvas:values", {"facet": "ours", "items": ["x"], "version": 0}),
        ("canvas:pin", {"field": "vision", "answer_id": 1, "pinned": True}),
        ("answers:merge", {"answer_id": 1, "into_id": 2}),
        ("answers:unmerge", {"answer_id": 1}),
        ("canvas:seal", {}),
    ],
)
def test_phones_and_the_projector_cannot_touch_the_canvas(
    synthesis, event: str, payload: dict
) -> None:
    room, console, screen, phones, _, _ = synthesis
    before = console.send("console:join", {"workshop_id": room.workshop_id})["state"]["canvas"]
    for outsider in (phones[0], screen):
        assert outsider.send(event, payload)["error"]["code"] == "forbidden"
    after = console.send("console:join", {"workshop_id": room.workshop_id})["state"]["canvas"]
    assert after == before


def test_near_duplicates_merge_and_split_again(synthesis) -> None:
    room, console, _, _, sent, _ = synthesis
    keep, dupe = sent[6][0]["id"], sent[6][1]["id"]

    merged = console.send("answers:merge", {"answer_id": dupe, "into_id": keep})
    assert merged == {"ok": True, "merged": [dupe], "into_id": keep}
    assert console.events("answer")[-1]["answer"]["merged_into"] == keep
    assert (
        console.send("answers:merge", {"answer_id": keep, "into_id": keep})["error"]["code"]
        == "invalid"
    )

    assert console.send("answers:unmerge", {"answer_id": dupe})["ok"]
    state = console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    assert all(a["merged_into"] is None for a in state["answers"])


def test_a_statement_over_the_limit_is_refused_and_nothing_changes(synthesis) -> None:
    room, console, *_ = synthesis
    ack = console.send("canvas:statement", {"field": "vision", "text": "x" * 2001, "version": 0})
    assert ack["error"]["code"] == "too_long"
    state = console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    assert field(state, "vision") == {**field(state, "vision"), "statement": "", "version": 0}


def test_from_first_question_to_a_sealed_canvas_with_every_export(synthesis) -> None:
    room, console, _, phones, sent, _ = synthesis
    for key, text in [
        ("motivation", "Reach the schools market with partners who know it."),
        ("must_haves", "Distribution & cold chain <we lack>."),
        ("can_dos", "Two people, shared roadmap, public support."),
        ("sphere", "School meals in the north region."),
        ("vision", "Fresh local food in every school."),
    ]:
        assert console.send("canvas:statement", {"field": key, "text": text, "version": 0})["ok"]
    console.send("canvas:purpose", {"purpose": "viability", "version": 0})
    console.send(
        "canvas:values", {"facet": "ours", "items": ["Honesty", "Care for growers"], "version": 0}
    )
    console.send(
        "canvas:values", {"facet": "shared", "items": ["Fair pay for farmers"], "version": 1}
    )
    console.send(
        "canvas:pin", {"field": "motivation", "answer_id": sent[0][0]["id"], "pinned": True}
    )
    console.send("canvas:pin", {"field": "vision", "answer_id": sent[5][0]["id"], "pinned": True})

    sealed = console.send("canvas:seal")
    assert sealed["ok"] and sealed["version"]["number"] == 1
    ended = console.send("workshop:end")
    assert ended["sealed"] is None, "nothing changed since version 1"

    browser = room.facilitator_browser
    md = browser.get(f"/workshops/{room.workshop_id}/canvas.md?version=1")
    assert md.status_code == 200 and md.mimetype == "text/markdown"
    text = md.get_data(as_text=True)
    assert text.startswith("# Partnering 2027\n")
    assert "Version 1, sealed" in text
    assert "## Motivation\n\nReach the schools market with partners who know it." in text
    assert "Distribution &amp; cold chain &lt;we lack&gt;." in text
    assert "**Viability: we cannot get there without partners**" in text
    assert "### Our values\n\n- Honesty\n- Care for growers" in text
    assert "### Values a partner must share\n\n- Fair pay for farmers" in text
    assert "> Reach into the schools market" in text

    doc = json.loads(browser.get(f"/workshops/{room.workshop_id}/canvas.json?version=1").data)
    assert doc["schema"] == "partnership-canvas/1"
    assert doc["version"]["number"] == 1 and doc["version"]["sealed_at"].endswith("Z")
    assert doc["workshop"] == {
        "title": "Partnering 2027",
        "organisation": "Acme Ltd",
        "method": "Partnership strategy: Self and World",
    }
    by_key = {f["key"]: f for f in doc["fields"]}
    assert by_key["purpose"]["purpose"] == "viability"
    assert by_key["values"]["values"] == {
        "ours": ["Honesty", "Care for growers"],
        "shared": ["Fair pay for farmers"],
    }
    assert by_key["vision"]["sources"] == [
        {
            "answer_id": sent[5][0]["id"],
            "question": "What change do we want to see there?",
            "text": "Fresh local food in every school",
        }
    ]

    rows = list(
        csv.DictReader(
            io.StringIO(
                browser.get(f"/workshops/{room.workshop_id}/answers.csv").get_data(as_text=True)
            )
        )
    )
    assert len(rows) == sum(len(v) for v in ANSWERS.values())
    assert [(r["question_number"], r["author"], r["answer"]) for r in rows[:3]] == [
        ("1", "Ana", "Reach into the schools market"),
        ("1", "Ben", "Know-how on cold chains"),
        ("2", "anonymous", "We cannot do it alone"),
    ]
    assert {r["author"] for r in rows} == {"Ana", "Ben", "anonymous"}
    assert rows[0]["question"] == "What does partnering mean for us?"
    assert all(r["time_utc"].endswith("Z") for r in rows)

    for outsider in (phones[0].browser, room.app.test_client()):
        for url in ("canvas.md", "canvas.json", "answers.csv", "canvas"):
            assert outsider.get(f"/workshops/{room.workshop_id}/{url}").status_code == 404


def test_ending_seals_a_changed_canvas_so_nothing_is_lost(synthesis) -> None:
    room, console, *_ = synthesis
    console.send("canvas:statement", {"field": "vision", "text": "Fresh food", "version": 0})
    ended = console.send("workshop:end")
    assert ended["sealed"] == 1
    page = room.facilitator_browser.get(f"/workshops/{room.workshop_id}/canvas?version=1")
    assert "Fresh food" in page.get_data(as_text=True)
    # With nothing changed since, the canvas page opens on that version, not on a "draft".
    latest = room.facilitator_browser.get(f"/workshops/{room.workshop_id}/canvas")
    html = latest.get_data(as_text=True)
    assert '<strong class="canvas-state">Version 1</strong>' in html
    assert "not sealed yet" not in html


def test_the_canvas_page_shows_a_draft_while_it_differs_from_the_last_version(synthesis) -> None:
    room, console, *_ = synthesis
    _seal(console, "vision", "Fresh food", 0)
    assert console.send("canvas:statement", {"field": "vision", "text": "Fresher", "version": 1})
    html = room.facilitator_browser.get(f"/workshops/{room.workshop_id}/canvas").get_data(
        as_text=True
    )
    assert "not sealed yet" in html and "Fresher" in html


def test_sharing_from_a_version_returns_to_that_version(synthesis) -> None:
    room, console, *_ = synthesis
    _seal(console, "vision", "First", 0)
    _seal(console, "vision", "Second", 1)
    page = room.facilitator_browser.get(f"/workshops/{room.workshop_id}/canvas?version=1")
    token = csrf_token(page.get_data(as_text=True))
    for action in ("share", "share/revoke"):
        response = room.facilitator_browser.post(
            f"/workshops/{room.workshop_id}/{action}", data={"csrf_token": token, "version": "1"}
        )
        assert response.status_code == 302
        assert response.headers["Location"].endswith(
            f"/workshops/{room.workshop_id}/canvas?version=1#share"
        )


def _seal(console: Person, key: str, text: str, version: int) -> None:
    assert console.send("canvas:statement", {"field": key, "text": text, "version": version})["ok"]
    assert console.send("canvas:seal")["ok"]


def test_two_versions_compare_field_by_field(synthesis) -> None:
    room, console, *_ = synthesis
    _seal(console, "vision", "Fresh local food in every school.", 0)
    _seal(console, "vision", "Fresh local food in every school by 2028.", 1)

    html = room.facilitator_browser.get(
        f"/workshops/{room.workshop_id}/canvas/compare?a=1&b=2"
    ).get_data(as_text=True)

    assert "1 of 7 fields changed between version 1 and version 2" in html
    assert "<ins> by 2028</ins>" in html and "<del>" not in html
    assert html.count('class="is-changed"') == 1


def test_a_revoked_share_link_stops_working_and_a_new_one_does(synthesis) -> None:
    room, console, *_ = synthesis
    _seal(console, "vision", "Fresh food <for all>", 0)
    first = _share(room)
    reader = room.app.test_client()
    shared = reader.get(f"/c/{first}")
    assert shared.status_code == 200
    html = shared.get_data(as_text=True)
    assert "Fresh food &lt;for all&gt;" in html and "Version 1" in html
    assert room.code not in html, "the share link never shows the join code"
    assert "<form" not in html, "the shared canvas is read-only"

    assert room.canvas_action("share/revoke").status_code == 302
    assert reader.get(f"/c/{first}").status_code == 404
    assert reader.get(f"/c/{first}/canvas.json").status_code == 404

    second = _share(room)
    assert second != first
    assert reader.get(f"/c/{second}").status_code == 200
    assert reader.get(f"/c/{first}").status_code == 404


def _share(room: Room) -> str:
    assert room.canvas_action("share").status_code == 302
    page = room.facilitator_browser.get(f"/workshops/{room.workshop_id}/canvas")
    return re.search(r'id="share-url" href="[^"]*/c/([^"]+)"', page.get_data(as_text=True))[1]


def test_a_sealed_canvas_can_seed_a_revision_workshop(synthesis) -> None:
    room, console, *_ = synthesis
    console.send("canvas:purpose", {"purpose": "momentum", "version": 0})
    _seal(console, "vision", "Fresh food", 0)

    browser = room.facilitator_browser
    revised = room.canvas_action("revise")
    assert revised.status_code == 302
    dashboard = browser.get("/workshops/").get_data(as_text=True)
    assert "Partnering 2027 (revision)" in dashboard
    revision_id = room.workshop_id + 1
    from workshop.extensions import socketio

    socket = socketio.test_client(room.app, flask_test_client=browser)
    state = socket.emit("console:join", {"workshop_id": revision_id}, callback=True)["state"]
    socket.disconnect()
    assert state["workshop"]["phase"] == "lobby"
    assert field(state, "vision")["statement"] == "Fresh food"
    assert field(state, "purpose")["purpose"] == "momentum"
    assert state["answers"] == []
