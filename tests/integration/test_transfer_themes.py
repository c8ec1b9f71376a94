"""Themes travel in the workshop file: live ones, their pins, and sealed in versions."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from tests.integration.test_authorization_matrix import database
from tests.integration.test_import_validation import upload
from tests.integration.test_themes import ANSWERS
from tests.people import Person, Room

HEALTH = ANSWERS[:3]


def ok(person: Person, event: str, payload: dict | None = None) -> dict:
    ack = person.send(event, payload or {})
    assert ack["ok"], (event, ack)
    return ack


@pytest.fixture
def exported(room: Room) -> dict[str, Any]:
    """An export holding an accepted theme pinned to a field, a suggested one, a sealed version.

    The first question has ANSWERS; the second one answer, "Know-how".
    """
    console, phones = room.console(), [room.phone("Ana"), room.phone("Ben")]
    questions = ok(console, "console:join", {"workshop_id": room.workshop_id})["state"]["questions"]
    ok(console, "workshop:start")
    first, second = questions[0]["id"], questions[1]["id"]
    ids = {}
    for index, text in enumerate(ANSWERS):
        sent = ok(phones[index % 2], "answer:submit", {"question_id": first, "text": text})
        ids[text] = sent["answer"]["id"]
    ok(console, "workshop:next")
    ok(phones[0], "answer:submit", {"question_id": second, "text": "Know-how"})
    scope = f"question:{first}"
    moved = ok(
        console,
        "theme:move",
        {"scope": scope, "answer_ids": [ids[t] for t in HEALTH], "label": "Health"},
    )
    health = next(t for t in moved["themes"] if t["label"] == "Health")
    suggested = ok(console, "themes:suggest", {"scope": scope})["themes"]
    assert any(t["status"] == "suggested" for t in suggested)
    ok(console, "workshop:synthesis")
    ok(console, "theme:pin", {"field": "motivation", "theme_id": health["id"], "pinned": True})
    ok(console, "canvas:seal")
    response = room.facilitator_browser.get(f"/workshops/{room.workshop_id}/export.json")
    return json.loads(response.data)


def imported(room: Room, data: dict[str, Any]) -> int:
    response = upload(room, json.dumps(data).encode())
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/workshops/(\d+)/canvas", response.headers["Location"])[1])


def themes_of(export: dict[str, Any]) -> dict[str, Any]:
    """Return the export's themes with their ids replaced by what they point at."""
    texts = {a["id"]: a["text"] for a in export["answers"]}
    labels = {t["id"]: t["label"] for t in export["themes"]}
    return {
        "themes": [
            {**t, "id": None, "members": [texts[a] for a in t["members"]]} for t in export["themes"]
        ],
        "theme_pins": [(p["field"], labels[p["theme"]]) for p in export["theme_pins"]],
        "versions": export["versions"],
    }


def test_themes_their_pins_and_sealed_themes_survive_export_and_import(
    room: Room, exported: dict[str, Any]
) -> None:
    new_id = imported(room, exported)

    again = json.loads(room.facilitator_browser.get(f"/workshops/{new_id}/export.json").data)
    assert themes_of(again) == themes_of(exported)
    statuses = {t["label"]: t["status"] for t in exported["themes"]}
    assert statuses.pop("Health") == "accepted" and "suggested" in statuses.values()
    assert exported["themes"][0]["scope"] == "question:0"
    sealed = exported["versions"][0]["document"]
    assert [t["label"] for f in sealed["fields"] for t in f.get("themes", [])] == ["Health"]
    assert "Health" in [t["label"] for t in sealed["themes"]]
    live = room.facilitator_browser.get(f"/workshops/{new_id}/canvas.json").get_json()
    [motivation] = [f for f in live["fields"] if f["key"] == "motivation"]
    assert [s["text"] for s in motivation["themes"][0]["sources"]] == HEALTH


def refused(room: Room, data: dict[str, Any]) -> str:
    before = database(room.app)
    response = upload(room, json.dumps(data).encode())
    assert response.status_code == 400
    assert database(room.app) == before
    return response.get_data(as_text=True).replace("&#39;", "'")


def test_a_theme_holding_an_answer_of_another_question_is_refused(
    room: Room, exported: dict[str, Any]
) -> None:
    data = copy.deepcopy(exported)
    other = next(a["id"] for a in data["answers"] if a["text"] == "Know-how")
    data["themes"][0]["members"].append(other)

    page = refused(room, data)

    assert f"themes[0].members[3]: answer {other} is not an answer to question 0" in page


@pytest.mark.parametrize("scope", ["question:99", "field:nowhere", "question:01", "everything"])
def test_a_theme_of_an_unknown_scope_is_refused(
    room: Room, exported: dict[str, Any], scope: str
) -> None:
    data = copy.deepcopy(exported)
    data["themes"][0]["scope"] = scope

    assert "themes[0].scope:" in refused(room, data)


def test_a_file_without_themes_still_imports(room: Room, exported: dict[str, Any]) -> None:
    data = copy.deepcopy(exported)
    del data["themes"], data["theme_pins"]
    for version in data["versions"]:
        version["document"].pop("themes")
        for field in version["document"]["fields"]:
            field.pop("themes", None)

    new_id = imported(room, data)

    again = json.loads(room.facilitator_browser.get(f"/workshops/{new_id}/export.json").data)
    assert again["themes"] == [] and again["theme_pins"] == []
    assert again["versions"] == data["versions"]
