"""A workshop file is checked whole before anything is stored: a bad one is refused, clearly."""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.test_authorization_matrix import database
from tests.people import Room, team_id_of
from tests.server.live_server import csrf_token

Mutation = Callable[[dict[str, Any]], None]


@pytest.fixture
def exported(room: Room) -> dict[str, Any]:
    """A real export: a workshop on its second question, two answers, a reaction."""
    console, ana = room.console(), room.phone("Ana")
    console.send("workshop:start")
    state = console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    first = state["questions"][0]["id"]
    ana.send("answer:submit", {"question_id": first, "text": "Reach schools"})
    ana.send("answer:submit", {"question_id": first, "text": "Know-how"})
    console.send("workshop:next")
    response = room.facilitator_browser.get(f"/workshops/{room.workshop_id}/export.json")
    return json.loads(response.data)


def upload(room: Room, body: bytes) -> Any:
    browser: FlaskClient = room.facilitator_browser
    token = csrf_token(browser.get("/workshops/import").get_data(as_text=True))
    return browser.post(
        "/workshops/import",
        data={
            "csrf_token": token,
            "team": team_id_of(room.app, browser),
            "file": (io.BytesIO(body), "workshop.json"),
        },
        content_type="multipart/form-data",
    )


def _set(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = data
        for part in parents:
            target = target[part]
        target[last] = value

    return mutate


def _many_questions(data: dict[str, Any]) -> None:
    question = data["questions"][0]
    data["questions"] = [{**question, "position": i, "key": f"q{i}"} for i in range(101)]


BAD_FILES: dict[str, tuple[Mutation, str]] = {
    "a gap in the question positions": (_set("questions.1.position", 5), "questions[1].position"),
    "an answer to a missing question": (_set("answers.0.question", 99), "answers[0].question"),
    "an answer by nobody": (_set("answers.1.participant", 12345), "answers[1].participant"),
    "an unknown phase": (_set("workshop.phase", "dancing"), "workshop.phase"),
    "a pointer past the last question": (_set("workshop.position", 40), "workshop.position"),
    "an unknown canvas field": (_set("questions.0.field", "nope"), "questions[0].field"),
    "a facet off the values": (_set("questions.0.facet", "ours"), "questions[0].facet"),
    "an unknown section": (_set("questions.2.section", "moon"), "questions[2].section"),
    "a lone surrogate in a name": (_set("participants.0.name", "A\ud800"), "participants[0].name"),
    "a title too long": (_set("workshop.title", "x" * 500), "workshop.title"),
    "an answer that is a number": (_set("answers.0.text", 42), "answers[0].text"),
    "an answer merged into itself": (_set("answers.0.merged_into", -1), "answers[0].merged_into"),
    "a boolean as text": (_set("answers.0.hidden", "yes"), "answers[0].hidden"),
    "a date that is not one": (_set("answers.0.created_at", "Tuesday"), "answers[0].created_at"),
    "a date at the end of time, in a zone": (
        _set("workshop.created_at", "9999-12-31T23:59:59-01:00"),
        "workshop.created_at",
    ),
    "a date at the start of time, in a zone": (
        _set("workshop.created_at", "0001-01-01T00:00:00+01:00"),
        "workshop.created_at",
    ),
    "a reaction of an unknown kind": (
        _set("reactions", [{"participant": 1, "field": "vision", "kind": "meh"}]),
        "reactions[0]",
    ),
    "a pin of a missing answer": (
        _set("pins", [{"field": "vision", "answer": 999}]),
        "pins[0].answer",
    ),
    "a version out of order": (
        _set("versions", [{"number": 2, "sealed_at": None, "document": {}}]),
        "versions[0].number",
    ),
    "a canvas statement too long": (
        _set("canvas", [{"key": "vision", "statement": "x" * 3000}]),
        "canvas[0].statement",
    ),
    "too many questions": (_many_questions, "questions: holds 101 items"),
    "an unexpected field": (_set("workshop.owner", "me"), "unexpected field"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_malformed_file_is_refused_with_the_field_and_changes_nothing(
    room: Room, exported: dict[str, Any], case: str
) -> None:
    mutate, where = BAD_FILES[case]
    data = copy.deepcopy(exported)
    mutate(data)
    if case == "an answer merged into itself":
        data["answers"][0]["merged_into"] = data["answers"][0]["id"]
    before = database(room.app)
    response = upload(room, json.dumps(data).encode())
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400, (case, response.status_code)
    assert "cannot be imported" in page and where in page, (case, re.findall(r"cannot be.*", page))
    assert database(room.app) == before, case


def test_json_nested_without_end_is_refused_as_not_json(room: Room) -> None:
    before = database(room.app)
    response = upload(room, b"[" * 100_000 + b"]" * 100_000)
    assert response.status_code == 400
    assert "Not a JSON file" in response.get_data(as_text=True)
    assert database(room.app) == before


def test_an_imported_workshop_opens_in_the_console(room: Room, exported: dict[str, Any]) -> None:
    response = upload(room, json.dumps(exported).encode())
    assert response.status_code == 302, response.get_data(as_text=True)
    new_id = int(re.search(r"/workshops/(\d+)/canvas", response.headers["Location"])[1])
    console = room._connect(room.facilitator_browser)
    joined = console.emit("console:join", {"workshop_id": new_id}, callback=True)
    assert joined["ok"], joined
    assert joined["state"]["workshop"]["position"] == 1


def test_an_import_larger_than_the_form_limit_is_accepted(
    room: Room, exported: dict[str, Any]
) -> None:
    answer = exported["answers"][0]
    exported["answers"] = [
        {**answer, "id": i, "client_key": None, "text": f"{i} " + "long " * 190}
        for i in range(1, 1500)
    ]
    body = json.dumps(exported).encode()
    assert len(body) > 1024 * 1024  # over every other form's limit
    assert upload(room, body).status_code == 302


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document a value could be swapped."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:3]):
            found += _paths(child, (*prefix, index))
    return found


wild = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.text(max_size=50)
    | st.just("\ud800")
    | st.just("x" * 5000),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(choice=st.integers(min_value=0), value=wild)
def test_any_one_field_changed_is_imported_whole_or_refused_whole(
    room: Room, exported: dict[str, Any], choice: int, value: Any
) -> None:
    data = copy.deepcopy(exported)
    *parents, last = (paths := _paths(data))[choice % len(paths)]
    target: Any = data
    for part in parents:
        target = target[part]
    target[last] = value
    before = database(room.app)
    response = upload(room, json.dumps(data).encode())
    if response.status_code == 302:
        new_id = int(re.search(r"/workshops/(\d+)/canvas", response.headers["Location"])[1])
        console = room._connect(room.facilitator_browser)
        joined = console.emit("console:join", {"workshop_id": new_id}, callback=True)
        assert joined["ok"], (parents, last, value, joined)
        assert room.facilitator_browser.get(f"/workshops/{new_id}/canvas").status_code == 200
        console.disconnect()
    else:
        page = response.get_data(as_text=True)
        assert response.status_code == 400, (parents, last, value, response.status_code)
        assert "cannot be imported" in page, (parents, last, value)
        assert database(room.app) == before


def test_the_import_command_refuses_endless_nesting_with_a_message(room: Room, tmp_path) -> None:
    nested = tmp_path / "nested.json"
    nested.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    team = team_id_of(room.app, room.facilitator_browser)
    before = database(room.app)

    result = room.app.test_cli_runner().invoke(
        args=["import-workshop", str(nested), "--team", str(team)]
    )

    assert result.exit_code == 1
    assert "nested too deeply" in result.output
    assert database(room.app) == before
