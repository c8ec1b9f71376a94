"""Dot votes: the console opens one, phones spread their dots within their budget."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pytest

from tests.people import Person, Room
from workshop.extensions import socketio

THEMES = ("Health", "Costs", "Schools")


@dataclass
class Scene:
    room: Room
    console: Person
    screen: Person
    phones: list[Person]
    question_id: int
    theme_ids: list[int]

    @property
    def scope(self) -> str:
        return f"question:{self.question_id}"

    def send(self, event: str, payload: dict | None = None) -> dict:
        ack = self.console.send(event, payload or {})
        assert ack["ok"], ack
        return ack

    def open(self, **options: object) -> dict:
        return self.send("vote:open", {"kind": "themes", "scope": self.scope, **options})["vote"]

    def dots(self, phone: Person, vote: dict, *counts: int) -> dict:
        items = [item["id"] for item in vote["items"]]
        placed = {str(item): n for item, n in zip(items, counts, strict=False) if n}
        return phone.send("vote:dots", {"vote_id": vote["id"], "dots": placed})

    def results(self) -> dict:
        return self.console.send("console:join", {"workshop_id": self.room.workshop_id})["state"][
            "vote"
        ]


def tally(vote: dict) -> dict[str, int]:
    return {item["label"]: item["dots"] for item in vote["items"]}


@pytest.fixture
def scene(room: Room) -> Scene:
    """Three phones answered the first question; three accepted themes gather the answers."""
    console, screen = room.console(), room.screen()
    phones = [room.phone(name) for name in ("Ana", "Ben", "Cy")]
    state = console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    question_id = state["questions"][0]["id"]
    console.send("workshop:start")
    theme_ids = []
    for phone, label in zip(phones, THEMES, strict=True):
        answer = phone.send("answer:submit", {"question_id": question_id, "text": label})
        ack = console.send(
            "theme:move",
            {
                "scope": f"question:{question_id}",
                "answer_ids": [answer["answer"]["id"]],
                "label": label,
            },
        )
        theme_ids.append(ack["themes"][-1]["id"])
    room.drain()
    return Scene(room, console, screen, phones, question_id, theme_ids)


def test_opening_a_vote_gives_every_phone_the_items_and_no_results(scene: Scene) -> None:
    vote = scene.open()

    [state] = scene.phones[1].events("state")[-1:]
    assert [i["label"] for i in state["vote"]["items"]] == list(THEMES)
    assert state["vote"]["dots"] == 3 and state["vote"]["status"] == "open"
    assert "dots" not in state["vote"]["items"][0]
    assert tally(vote) == dict.fromkeys(THEMES, 0)
    assert [i["ref_id"] for i in vote["items"]] == scene.theme_ids


def test_dots_reach_the_console_and_projector_and_no_other_phone(scene: Scene) -> None:
    vote = scene.open()
    scene.room.drain()

    ack = scene.dots(scene.phones[0], vote, 1, 1, 1)

    assert ack["ok"] and sorted(ack["dots"].values()) == [1, 1, 1]
    [latest] = scene.console.events("vote_results")[-1:]
    assert tally(latest) == dict.fromkeys(THEMES, 1) and latest["voters"] == 1
    assert tally(scene.screen.events("vote_results")[-1]) == dict.fromkeys(THEMES, 1)
    assert scene.phones[1].received() == []


def test_a_phone_cannot_place_more_dots_than_it_has(scene: Scene) -> None:
    vote = scene.open(dots=2)

    ack = scene.dots(scene.phones[0], vote, 1, 1, 1)

    assert ack["ok"] is False and ack["error"]["code"] == "over_budget"
    assert tally(scene.results()) == dict.fromkeys(THEMES, 0)


def test_two_dots_on_one_item_need_the_facilitators_leave(scene: Scene) -> None:
    plain, _ = scene.open(), scene.send("vote:close")
    refused = scene.dots(scene.phones[0], plain, 2)
    scene.send("vote:clear")
    stacked = scene.open(stack=True)

    assert refused["ok"] is False
    assert scene.dots(scene.phones[0], stacked, 3)["ok"]
    assert tally(scene.results())["Health"] == 3


def test_moving_dots_replaces_what_the_phone_had(scene: Scene) -> None:
    vote = scene.open()
    scene.dots(scene.phones[0], vote, 1, 1, 1)

    scene.dots(scene.phones[0], vote, 0, 1, 1)

    assert tally(scene.results()) == {"Health": 0, "Costs": 1, "Schools": 1}


def test_a_retried_send_counts_once(scene: Scene) -> None:
    vote = scene.open()

    for _ in range(3):
        assert scene.dots(scene.phones[0], vote, 1, 0, 1)["ok"]

    assert tally(scene.results()) == {"Health": 1, "Costs": 0, "Schools": 1}


def test_two_tabs_of_one_person_never_go_over_the_budget(scene: Scene) -> None:
    vote = scene.open()
    ana = scene.phones[0]
    second = Person(
        ana.browser, socketio.test_client(scene.room.app, flask_test_client=ana.browser)
    )
    assert second.send("phone:join", {"workshop_id": scene.room.workshop_id})["ok"]
    second.received()

    scene.dots(ana, vote, 1, 1, 1)
    scene.dots(second, vote, 0, 0, 1)

    assert tally(scene.results()) == {"Health": 0, "Costs": 0, "Schools": 1}
    # Each tab hears of the other's dots, never of its own (it has the acknowledgement).
    assert [e["dots"] for e in second.events("my_dots")] == [
        {str(i["id"]): 1 for i in vote["items"]}
    ]
    assert [e["dots"] for e in ana.events("my_dots")] == [{str(vote["items"][2]["id"]): 1}]


def test_a_phone_coming_back_finds_its_dots(scene: Scene) -> None:
    vote = scene.open()
    scene.dots(scene.phones[0], vote, 0, 1, 0)

    again = scene.phones[0].send("phone:join", {"workshop_id": scene.room.workshop_id})

    assert again["my_dots"] == {"vote_id": vote["id"], "dots": {str(vote["items"][1]["id"]): 1}}


def test_hidden_results_reach_the_projector_only_when_the_vote_closes(scene: Scene) -> None:
    vote = scene.open(results_hidden=True)
    scene.dots(scene.phones[0], vote, 1)
    screen = scene.screen.send("screen:join", {"token": scene.room.screen_token})["state"]["vote"]
    assert "dots" not in screen["items"][0] and screen["voters"] == 1

    scene.send("vote:close")

    screen = scene.screen.send("screen:join", {"token": scene.room.screen_token})["state"]["vote"]
    assert tally(screen)["Health"] == 1


def test_the_console_shows_hidden_results_on_the_projector_when_it_chooses(scene: Scene) -> None:
    vote = scene.open(results_hidden=True)
    scene.dots(scene.phones[0], vote, 1)

    scene.send("vote:results", {"shown": True})

    [state] = scene.screen.events("state")[-1:]
    assert tally(state["vote"])["Health"] == 1


def test_a_closed_vote_takes_no_more_dots_and_keeps_its_results(scene: Scene) -> None:
    vote = scene.open()
    scene.dots(scene.phones[0], vote, 1)
    scene.send("vote:close")

    late = scene.dots(scene.phones[1], vote, 0, 1)

    assert late["ok"] is False and late["error"]["code"] == "vote_closed"
    assert tally(scene.results()) == {"Health": 1, "Costs": 0, "Schools": 0}
    [state] = scene.phones[1].events("state")[-1:]
    assert state["vote"]["status"] == "closed"
    assert [i["label"] for i in state["vote"]["items"]] == list(THEMES)  # to name its dots


def test_one_vote_is_open_at_a_time(scene: Scene) -> None:
    scene.open()

    ack = scene.console.send("vote:open", {"kind": "themes", "scope": scene.scope})

    assert ack["ok"] is False and ack["error"]["code"] == "invalid_transition"


def test_a_removed_persons_dots_no_longer_count(scene: Scene) -> None:
    vote = scene.open()
    scene.dots(scene.phones[0], vote, 1)
    scene.dots(scene.phones[1], vote, 1)

    scene.send("participant:remove", {"participant_id": scene.phones[0].join_ack["me"]["id"]})

    results = scene.results()
    assert tally(results)["Health"] == 1 and results["voters"] == 1


def test_a_vote_on_drafted_statements_informs_their_field(scene: Scene) -> None:
    drafts = ["We partner to reach hospitals.", "We partner to cut our costs."]

    vote = scene.send(
        "vote:open", {"kind": "statements", "field": "vision", "statements": drafts, "dots": 1}
    )["vote"]

    assert [i["label"] for i in vote["items"]] == drafts
    assert vote["field"] == "vision" and vote["dots"] == 1


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"kind": "statements", "field": "vision", "statements": ["Only one"]}, "invalid"),
        ({"kind": "answers", "scope": "field:vision"}, "invalid"),
        ({"kind": "polls", "scope": "question:1"}, "invalid"),
        ({"kind": "themes", "scope": "question:1", "dots": 11}, "invalid"),
        ({"kind": "themes", "scope": "field:vision"}, "invalid"),
    ],
    ids=["one statement", "answers of a field", "unknown kind", "too many dots", "no themes"],
)
def test_a_vote_that_cannot_work_is_refused_and_says_why(
    scene: Scene, payload: dict, code: str
) -> None:
    ack = scene.console.send("vote:open", payload)

    assert ack["ok"] is False and ack["error"]["code"] == code
    assert scene.results() is None


def test_phones_cannot_open_votes(scene: Scene) -> None:
    ack = scene.phones[0].send("vote:open", {"kind": "themes", "scope": scene.scope})

    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"


def download(scene: Scene, name: str) -> str:
    response = scene.room.facilitator_browser.get(f"/workshops/{scene.room.workshop_id}/{name}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def closed_vote(scene: Scene) -> dict:
    vote = scene.open(title="What matters most?")
    scene.dots(scene.phones[0], vote, 0, 1, 1)
    scene.dots(scene.phones[1], vote, 0, 1)
    scene.send("vote:close")
    return vote


def test_the_results_reach_the_field_they_informed_in_the_canvas(scene: Scene) -> None:
    closed_vote(scene)

    doc = json.loads(download(scene, "canvas.json"))

    [field] = [f for f in doc["fields"] if f["key"] == "motivation"]
    [vote] = field["votes"]
    assert vote["title"] == "What matters most?" and vote["status"] == "closed"
    assert vote["voters"] == 2 and vote["dots_each"] == 3
    assert vote["items"] == [
        {"label": "Costs", "dots": 2},
        {"label": "Schools", "dots": 1},
        {"label": "Health", "dots": 0},
    ]


def test_the_markdown_and_csv_exports_carry_the_results(scene: Scene) -> None:
    closed_vote(scene)

    page = download(scene, "canvas.md")
    rows = list(csv.DictReader(io.StringIO(download(scene, "votes.csv"))))

    assert "Dot vote: **What matters most?** (2 people, 3 dots each)" in page
    assert "1. Costs: 2 dots" in page
    assert [(r["rank"], r["item"], r["dots"]) for r in rows] == [
        ("1", "Costs", "2"),
        ("2", "Schools", "1"),
        ("3", "Health", "0"),
    ]


def test_version_compare_shows_a_vote_between_two_versions(scene: Scene) -> None:
    scene.send("workshop:synthesis")
    scene.send("canvas:seal")
    scene.send("vote:clear")
    closed_vote(scene)
    scene.send("canvas:seal")

    page = download(scene, "canvas/compare?a=1&b=2")

    assert "Dot vote “<bdi>What matters most?</bdi>”: <bdi>Costs</bdi> 2" in page
    assert 'data-field="motivation"' in page and "Changed" in page


def test_ending_the_workshop_closes_its_vote(scene: Scene) -> None:
    vote = scene.open()
    scene.dots(scene.phones[0], vote, 1)

    scene.send("workshop:end")

    assert scene.results()["status"] == "closed"
    assert scene.dots(scene.phones[0], vote, 0, 1)["ok"] is False
    assert tally(scene.results())["Health"] == 1


def test_a_closed_votes_results_cannot_be_hidden_again(scene: Scene) -> None:
    scene.open()
    scene.send("vote:close")

    ack = scene.console.send("vote:results", {"shown": False})

    assert ack["ok"] is False and ack["error"]["code"] == "invalid_transition"


def test_an_answer_hidden_during_a_vote_on_answers_leaves_every_screen(scene: Scene) -> None:
    vote = scene.send("vote:open", {"kind": "answers", "scope": scene.scope})["vote"]
    health = next(i for i in vote["items"] if i["label"] == "Health")

    scene.send("answer:hide", {"answer_id": health["ref_id"], "hidden": True})

    [state] = scene.phones[1].events("state")[-1:]
    assert "Health" not in [i["label"] for i in state["vote"]["items"]]
    screen = scene.screen.send("screen:join", {"token": scene.room.screen_token})["state"]
    assert "Health" not in [i["label"] for i in screen["vote"]["items"]]
    assert next(i for i in scene.results()["items"] if i["label"] == "Health")["withdrawn"]
    doc = json.loads(download(scene, "canvas.json"))
    [field] = [f for f in doc["fields"] if f["key"] == "motivation"]
    assert "Health" not in [i["label"] for i in field["votes"][0]["items"]]


def test_results_kept_for_the_close_stay_out_of_the_exports_until_then(scene: Scene) -> None:
    vote = scene.open(results_hidden=True)
    scene.dots(scene.phones[0], vote, 1)

    doc = json.loads(download(scene, "canvas.json"))

    assert all("votes" not in f for f in doc["fields"])


@pytest.mark.parametrize("key", ["²", "\u0661", "01x", "9" * 5000, "-1"])
def test_a_dot_on_something_that_is_no_item_id_is_refused_plainly(scene: Scene, key: str) -> None:
    vote = scene.open()

    ack = scene.phones[0].send("vote:dots", {"vote_id": vote["id"], "dots": {key: 1}})

    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
