"""A whole workshop exported to one JSON file and imported on another server, unchanged."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from tests.integration.test_synthesis import answer_everything
from tests.people import Room, sign_up, team_id_of
from tests.server.live_server import csrf_token
from workshop import create_app
from workshop.extensions import db


def comparable(export: dict[str, Any]) -> dict[str, Any]:
    """Return the export with its ids replaced by what they point at."""
    names = {p["id"]: p["name"] for p in export["participants"]}
    texts = {a["id"]: a["text"] for a in export["answers"]}
    return {
        "workshop": export["workshop"],
        "questions": export["questions"],
        "participants": sorted(str(p["name"]) for p in export["participants"]),
        "answers": [
            {
                **{k: v for k, v in a.items() if k not in {"id", "participant", "merged_into"}},
                "author": names[a["participant"]],
                "merged_into": texts.get(a["merged_into"]),
            }
            for a in export["answers"]
        ],
        "reactions": sorted(
            (names[r["participant"]] or "", r["field"], r["kind"]) for r in export["reactions"]
        ),
        "canvas": sorted(export["canvas"], key=lambda f: f["key"]),
        "pins": sorted((p["field"], texts[p["answer"]]) for p in export["pins"]),
        "versions": export["versions"],
    }


def test_a_workshop_survives_export_and_import_on_another_server(
    room: Room, tmp_path: Path, database_url
) -> None:
    console, phones = room.console(), [room.phone("Ana"), room.phone("Ben"), room.phone(None)]
    sent = answer_everything(room, console, phones)
    console.send("answers:reveal", {"revealed": True})
    console.send("answer:hide", {"answer_id": sent[7][0]["id"], "hidden": True})
    console.send("workshop:synthesis")
    console.send("answers:merge", {"answer_id": sent[6][1]["id"], "into_id": sent[6][0]["id"]})
    console.send("canvas:statement", {"field": "vision", "text": "Fresh food", "version": 0})
    console.send("canvas:purpose", {"purpose": "both", "version": 0})
    console.send("canvas:values", {"facet": "ours", "items": ["Honesty"], "version": 0})
    console.send("canvas:pin", {"field": "vision", "answer_id": sent[5][0]["id"], "pinned": True})
    phones[0].send("canvas:react", {"field": "vision", "reaction": "agree"})
    phones[2].send("canvas:react", {"field": "vision", "reaction": "concern"})
    console.send("canvas:seal")
    console.send("workshop:end")

    exported = room.facilitator_browser.get(f"/workshops/{room.workshop_id}/export.json")
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    original = json.loads(exported.data)
    assert original["format"] == "workshop-export/1"
    assert len(original["answers"]) == 11 and len(original["versions"]) == 1

    # Another server: its own database, its own accounts.
    other_folder = tmp_path / "other"
    other_folder.mkdir()
    other = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": other_folder,
            "ASYNC_MODE": "threading",
            "SQLALCHEMY_DATABASE_URI": database_url(other_folder),
        }
    )
    with other.app_context():
        db.create_all()
    facilitator = sign_up(other, "Importer")
    page = facilitator.get("/workshops/import").get_data(as_text=True)
    token = csrf_token(page)
    uploaded = facilitator.post(
        "/workshops/import",
        data={
            "csrf_token": token,
            "team": team_id_of(other, facilitator),
            "file": (io.BytesIO(exported.data), "workshop.json"),
        },
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    new_id = int(re.search(r"/workshops/(\d+)/canvas", uploaded.headers["Location"])[1])

    again = json.loads(facilitator.get(f"/workshops/{new_id}/export.json").data)
    assert comparable(again) == comparable(original)
    canvas = facilitator.get(f"/workshops/{new_id}/canvas?version=1").get_data(as_text=True)
    assert "Fresh food" in canvas
    with other.app_context():
        db.engine.dispose()


def test_a_damaged_file_is_refused_with_a_reason(app) -> None:  # type: ignore[no-untyped-def]
    facilitator = sign_up(app)
    page = facilitator.get("/workshops/import").get_data(as_text=True)
    token = csrf_token(page)
    for body, reason in [
        (b"not json", "Not a JSON file"),
        (b'{"format": "something-else"}', "not a workshop export"),
        (
            b'{"format": "workshop-export/1", "workshop": {"method": "self-and-world"}}',
            "cannot be imported: file: &#39;answers&#39; is missing",
        ),
    ]:
        response = facilitator.post(
            "/workshops/import",
            data={
                "csrf_token": token,
                "team": team_id_of(app, facilitator),
                "file": (io.BytesIO(body), "w.json"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 400 and reason in response.get_data(as_text=True), reason
    assert "/workshops/" in facilitator.get("/workshops/").get_data(as_text=True)
