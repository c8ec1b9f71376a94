"""Dot votes travel in the workshop file: live ones with their dots, and sealed in versions."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.integration.test_transfer_themes import imported, refused
from tests.integration.test_votes import THEMES
from tests.people import Person, Room


def ok(person: Person, event: str, payload: dict | None = None) -> dict:
    ack = person.send(event, payload or {})
    assert ack["ok"], (event, ack)
    return ack


def dots(phone: Person, vote: dict, *counts: int) -> None:
    placed = {str(i["id"]): n for i, n in zip(vote["items"], counts, strict=False) if n}
    ok(phone, "vote:dots", {"vote_id": vote["id"], "dots": placed})


@pytest.fixture
def exported(room: Room) -> dict[str, Any]:
    """An export holding a closed vote on three accepted themes, sealed in version 1, and
    an open vote on the answers (stacked dots) that the screens show now."""
    console, phones = room.console(), [room.phone(name) for name in ("Ana", "Ben", "Cy")]
    questions = ok(console, "console:join", {"workshop_id": room.workshop_id})["state"]["questions"]
    scope = f"question:{questions[0]['id']}"
    ok(console, "workshop:start")
    for phone, label in zip(phones, THEMES, strict=True):
        sent = ok(phone, "answer:submit", {"question_id": questions[0]["id"], "text": label})
        ok(
            console,
            "theme:move",
            {"scope": scope, "answer_ids": [sent["answer"]["id"]], "label": label},
        )
    themes = ok(console, "vote:open", {"kind": "themes", "scope": scope, "title": "What matters?"})
    dots(phones[0], themes["vote"], 0, 1, 1)
    dots(phones[1], themes["vote"], 0, 1)
    ok(console, "vote:close")
    ok(console, "vote:clear")
    ok(console, "workshop:synthesis")
    ok(console, "canvas:seal")
    answers = ok(console, "vote:open", {"kind": "answers", "scope": scope, "stack": True})
    dots(phones[2], answers["vote"], 2, 0, 1)
    response = room.facilitator_browser.get(f"/workshops/{room.workshop_id}/export.json")
    return json.loads(response.data)


def export_of(room: Room, workshop_id: int) -> dict[str, Any]:
    return json.loads(room.facilitator_browser.get(f"/workshops/{workshop_id}/export.json").data)


def field_votes(room: Room, workshop_id: int) -> list[tuple[str, dict[str, Any]]]:
    """Return the live canvas's votes, field by field, without their ids (nor their
    items' answer ids, which an import makes anew)."""
    doc = room.facilitator_browser.get(f"/workshops/{workshop_id}/canvas.json").get_json()

    def plain(vote: dict[str, Any]) -> dict[str, Any]:
        items = [{k: v for k, v in i.items() if k != "answer_id"} for i in vote["items"]]
        return {**{k: v for k, v in vote.items() if k != "vote_id"}, "items": items}

    return [(f["key"], plain(vote)) for f in doc["fields"] for vote in f.get("votes", [])]


def votes_of(export: dict[str, Any]) -> dict[str, Any]:
    """Return the export's votes and dots with their ids replaced by what they point at."""
    names = {p["id"]: p["name"] for p in export["participants"]}
    pointed = {t["id"]: t["label"] for t in export["themes"]}
    pointed.update({a["id"]: a["text"] for a in export["answers"]})
    labels = {i["id"]: i["label"] for v in export["votes"] for i in v["items"]}
    titles = {v["id"]: v["title"] for v in export["votes"]}
    return {
        "votes": [
            {
                **v,
                "id": None,
                "items": [{**i, "id": None, "ref": pointed.get(i["ref"])} for i in v["items"]],
            }
            for v in export["votes"]
        ],
        "dots": sorted(
            (titles[d["vote"]], labels[d["item"]], names[d["participant"]], d["count"])
            for d in export["dots"]
        ),
        "current": titles.get(export["workshop"]["vote"]),
    }


def test_a_closed_vote_keeps_its_results(room: Room, exported: dict[str, Any]) -> None:
    before = field_votes(room, room.workshop_id)

    new_id = imported(room, exported)

    assert field_votes(room, new_id) == before
    closed = next(v for _, v in before if v["status"] == "closed")
    assert closed["title"] == "What matters?" and closed["voters"] == 2
    assert [i["dots"] for i in closed["items"]] == [2, 1, 0]


def test_an_open_vote_keeps_its_dots_and_stays_on_the_screens(
    room: Room, exported: dict[str, Any]
) -> None:
    new_id = imported(room, exported)

    again = export_of(room, new_id)
    assert votes_of(again) == votes_of(exported)
    current = next(v for v in again["votes"] if v["id"] == again["workshop"]["vote"])
    assert current["status"] == "open" and current["stack"] is True
    assert [i["ref"] for i in current["items"]] == [a["id"] for a in again["answers"]]
    assert sorted(d["count"] for d in again["dots"] if d["vote"] == current["id"]) == [1, 2]


def test_a_sealed_version_holding_a_vote_imports_unchanged(
    room: Room, exported: dict[str, Any]
) -> None:
    [sealed] = [
        v for f in exported["versions"][0]["document"]["fields"] for v in f.get("votes", [])
    ]
    assert sealed["status"] == "closed"

    new_id = imported(room, exported)

    assert export_of(room, new_id)["versions"] == exported["versions"]


def test_dots_over_a_persons_budget_are_refused(room: Room, exported: dict[str, Any]) -> None:
    data = copy.deepcopy(exported)
    vote = data["votes"][1]
    mine = next(d for d in data["dots"] if d["vote"] == vote["id"])
    data["dots"].append({**mine, "item": vote["items"][1]["id"], "count": 1})

    page = refused(room, data)

    where = len(data["dots"]) - 1
    assert f"dots[{where}].count: participant {mine['participant']} places 4 dots" in page


def test_a_file_without_votes_still_imports(room: Room, exported: dict[str, Any]) -> None:
    data = copy.deepcopy(exported)
    del data["votes"], data["dots"], data["workshop"]["vote"]
    for version in data["versions"]:
        for field in version["document"]["fields"]:
            field.pop("votes", None)

    new_id = imported(room, data)

    again = export_of(room, new_id)
    assert again["votes"] == [] and again["dots"] == [] and again["workshop"]["vote"] is None
    assert again["versions"] == data["versions"]
