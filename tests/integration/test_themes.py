"""Themes: suggested by the engine, decided by the facilitator, shown and pinned."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pytest

from tests.people import Person, Room

ANSWERS = [
    "Get into hospitals",
    "Reach the healthcare sector",
    "Sell our software to clinics and hospitals",
    "Lower our costs",
    "Cut what we spend on hosting",
    "Reduce our operating costs",
    "Entrer dans les hôpitaux",
    "Is there coffee left?",
]


@dataclass
class Scene:
    room: Room
    console: Person
    other_console: Person
    screen: Person
    phones: list[Person]
    question_id: int
    answer_ids: list[int]

    @property
    def scope(self) -> str:
        return f"question:{self.question_id}"

    def send(self, event: str, payload: dict) -> dict:
        ack = self.console.send(event, payload)
        assert ack["ok"], ack
        return ack

    def suggest(self, **extra: int) -> list[dict]:
        return self.send("themes:suggest", {"scope": self.scope, **extra})["themes"]

    def answer(self, phone: int, text: str) -> int:
        ack = self.phones[phone].send(
            "answer:submit", {"question_id": self.question_id, "text": text}
        )
        assert ack["ok"], ack
        return ack["answer"]["id"]

    def themes(self) -> list[dict]:
        state = self.console.send("console:join", {"workshop_id": self.room.workshop_id})
        return [t for t in state["state"]["themes"] if t["scope"] == self.scope]

    def texts(self, theme: dict) -> set[str]:
        by_id = dict(zip(self.answer_ids, ANSWERS, strict=True))
        return {by_id.get(a, "?") for a in theme["answers"]}


@pytest.fixture
def scene(room: Room) -> Scene:
    """Eight answers to the first question, from four phones: health, costs, one off-topic."""
    console, other, screen = room.console(), room.console(), room.screen()
    phones = [room.phone(name) for name in ("Ana", "Ben", "Cy", "Dee")]
    state = console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    console.send("workshop:start")
    made = Scene(room, console, other, screen, phones, state["questions"][0]["id"], [])
    made.answer_ids = [made.answer(i % 4, text) for i, text in enumerate(ANSWERS)]
    room.drain()
    return made


def by_text(scene: Scene, themes: list[dict], text: str) -> dict:
    return next(t for t in themes if text in scene.texts(t))


def test_suggested_themes_gather_paraphrases_each_answer_at_most_once(scene: Scene) -> None:
    themes = scene.suggest()

    health = by_text(scene, themes, "Get into hospitals")
    assert {"Reach the healthcare sector", "Entrer dans les hôpitaux"} <= scene.texts(health)
    assert "Lower our costs" not in scene.texts(health)
    members = [a for t in themes for a in t["answers"]]
    assert len(members) == len(set(members))
    assert all(t["status"] == "suggested" and len(t["answers"]) > 1 for t in themes)
    assert all(t["label"] for t in themes)


def test_the_other_console_hears_of_the_suggestions(scene: Scene) -> None:
    themes = scene.suggest()

    [message] = scene.other_console.events("themes")
    assert message["scope"] == scene.scope
    assert message["themes"] == themes


def test_suggesting_again_never_reshuffles_an_accepted_theme(scene: Scene) -> None:
    health = by_text(scene, scene.suggest(), "Get into hospitals")
    scene.send("theme:accept", {"theme_id": health["id"]})

    again = scene.suggest(granularity=2)

    kept = next(t for t in again if t["id"] == health["id"])
    assert kept["answers"] == health["answers"] and kept["status"] == "accepted"
    others = [a for t in again if t["id"] != health["id"] for a in t["answers"]]
    assert not set(others) & set(health["answers"])


def test_a_theme_is_renamed_in_the_facilitators_words(scene: Scene) -> None:
    health = by_text(scene, scene.suggest(), "Get into hospitals")

    themes = scene.send("theme:rename", {"theme_id": health["id"], "label": "  Health  care "})[
        "themes"
    ]

    assert next(t for t in themes if t["id"] == health["id"])["label"] == "Health care"


@pytest.mark.parametrize("label", ["", "   ", "x" * 121])
def test_a_theme_needs_a_name_that_fits(scene: Scene, label: str) -> None:
    health = by_text(scene, scene.suggest(), "Get into hospitals")

    ack = scene.console.send("theme:rename", {"theme_id": health["id"], "label": label})

    assert ack["ok"] is False and ack["error"]["code"] in {"invalid", "too_long"}
    assert by_text(scene, scene.themes(), "Get into hospitals")["label"] == health["label"]


def test_merging_puts_one_themes_answers_into_another(scene: Scene) -> None:
    themes = scene.suggest()
    health, costs = (by_text(scene, themes, t) for t in ("Get into hospitals", "Lower our costs"))

    after = scene.send("theme:merge", {"theme_id": costs["id"], "into_id": health["id"]})["themes"]

    assert [t["id"] for t in after].count(costs["id"]) == 0
    merged = next(t for t in after if t["id"] == health["id"])
    assert set(merged["answers"]) == set(health["answers"]) | set(costs["answers"])


def test_splitting_a_mixed_theme_gives_back_its_parts(scene: Scene) -> None:
    themes = scene.suggest()
    health, costs = (by_text(scene, themes, t) for t in ("Get into hospitals", "Lower our costs"))
    scene.send("theme:merge", {"theme_id": costs["id"], "into_id": health["id"]})

    after = scene.send("theme:split", {"theme_id": health["id"]})["themes"]

    assert "Lower our costs" not in scene.texts(by_text(scene, after, "Get into hospitals"))
    assert set(costs["answers"]) <= set(by_text(scene, after, "Lower our costs")["answers"])


def test_a_theme_too_alike_to_split_says_what_to_do_instead(scene: Scene) -> None:
    costs = by_text(scene, scene.suggest(), "Lower our costs")

    ack = scene.console.send("theme:split", {"theme_id": costs["id"]})

    assert ack["ok"] is False
    assert "too alike" in ack["error"]["message"]


def test_answers_move_to_another_theme_a_new_one_or_out(scene: Scene) -> None:
    themes = scene.suggest()
    health = by_text(scene, themes, "Get into hospitals")
    coffee = scene.answer_ids[ANSWERS.index("Is there coffee left?")]
    costs_id = scene.answer_ids[ANSWERS.index("Lower our costs")]

    moved = {"scope": scene.scope, "answer_ids": [coffee], "theme_id": health["id"]}
    assert (
        coffee
        in by_text(scene, scene.send("theme:move", moved)["themes"], "Get into hospitals")[
            "answers"
        ]
    )
    fresh = {"scope": scene.scope, "answer_ids": [coffee, costs_id], "label": "Odd ones"}
    odd = next(t for t in scene.send("theme:move", fresh)["themes"] if t["label"] == "Odd ones")
    assert set(odd["answers"]) == {coffee, costs_id} and odd["status"] == "accepted"
    out = scene.send("theme:move", {"scope": scene.scope, "answer_ids": [coffee]})["themes"]
    assert all(coffee not in t["answers"] for t in out)


def test_a_hidden_answer_cannot_be_moved_into_a_theme(scene: Scene) -> None:
    coffee = scene.answer_ids[-1]
    scene.send("answer:hide", {"answer_id": coffee, "hidden": True})

    ack = scene.console.send(
        "theme:move", {"scope": scene.scope, "answer_ids": [coffee], "label": "Coffee"}
    )

    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    assert scene.themes() == []


def test_dismissing_a_theme_frees_its_answers(scene: Scene) -> None:
    health = by_text(scene, scene.suggest(), "Get into hospitals")

    after = scene.send("theme:dismiss", {"theme_id": health["id"]})["themes"]

    assert all(t["id"] != health["id"] for t in after)
    assert not {a for t in after for a in t["answers"]} & set(health["answers"])


def test_a_late_answer_is_offered_the_accepted_theme_it_fits(scene: Scene) -> None:
    health = by_text(scene, scene.suggest(), "Get into hospitals")
    scene.send("theme:accept", {"theme_id": health["id"]})
    late = scene.answer(0, "Win contracts with hospitals")

    offers = scene.send("themes:fit", {"scope": scene.scope})["offers"]

    assert {"theme_id": health["id"], "answer_ids": [late]} in offers
    assert by_text(scene, scene.themes(), "Get into hospitals")["answers"] == health["answers"]


def test_phones_cannot_touch_themes(scene: Scene) -> None:
    ack = scene.phones[0].send("themes:suggest", {"scope": scene.scope})

    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert scene.themes() == []


@pytest.mark.parametrize("scope", ["question:999999", "field:nowhere", "questions:1", "field:"])
def test_a_scope_must_name_a_question_or_field_of_this_workshop(scene: Scene, scope: str) -> None:
    ack = scene.console.send("themes:suggest", {"scope": scope})

    assert ack["ok"] is False and ack["error"]["code"] in {"invalid", "not_found"}


def test_a_field_scope_gathers_every_question_feeding_it(scene: Scene) -> None:
    themes = scene.send("themes:suggest", {"scope": "field:motivation"})["themes"]

    assert themes and all(t["scope"] == "field:motivation" for t in themes)
    assert by_text(scene, themes, "Get into hospitals")


def screen_themes(scene: Scene) -> dict | None:
    return scene.screen.send("screen:join", {"token": scene.room.screen_token})["state"]["themes"]


def test_the_projector_shows_accepted_themes_once_revealed(scene: Scene) -> None:
    themes = scene.suggest()
    health = by_text(scene, themes, "Get into hospitals")
    scene.send("theme:accept", {"theme_id": health["id"]})
    scene.send("wall:show", {"show_as": "themes"})
    assert screen_themes(scene) is None

    scene.send("answers:reveal", {"revealed": True})

    view = screen_themes(scene)
    assert view is not None
    assert [t["id"] for t in view["themes"]] == [health["id"]]
    assert view["themes"][0]["count"] == len(health["answers"])
    assert len(view["themes"][0]["samples"]) == min(3, len(health["answers"]))
    assert view["answers"] == len(ANSWERS)
    assert view["unthemed"] == len(ANSWERS) - len(health["answers"])
    assert "author" not in str(view)


def test_a_hidden_answer_leaves_the_projectors_theme_count(scene: Scene) -> None:
    health = by_text(scene, scene.suggest(), "Get into hospitals")
    scene.send("theme:accept", {"theme_id": health["id"]})
    scene.send("wall:show", {"show_as": "themes"})
    scene.send("answers:reveal", {"revealed": True})
    scene.screen.received()

    scene.send("answer:hide", {"answer_id": health["answers"][0], "hidden": True})

    [latest] = scene.screen.events("themes")[-1:]
    assert latest["themes"][0]["count"] == len(health["answers"]) - 1


def test_a_theme_pinned_to_a_field_is_traced_to_every_answer_in_it(scene: Scene) -> None:
    health = by_text(scene, scene.suggest(), "Get into hospitals")
    scene.send("workshop:synthesis", {})

    ack = scene.send("theme:pin", {"field": "motivation", "theme_id": health["id"], "pinned": True})

    assert ack["field"]["theme_pins"] == [health["id"]]
    assert next(t for t in ack["themes"] if t["id"] == health["id"])["status"] == "accepted"
    doc = scene.room.facilitator_browser.get(
        f"/workshops/{scene.room.workshop_id}/canvas.json"
    ).get_json()
    [motivation] = [f for f in doc["fields"] if f["key"] == "motivation"]
    [pinned] = motivation["themes"]
    assert pinned["label"] == health["label"]
    assert [s["answer_id"] for s in pinned["sources"]] == health["answers"]
    assert [t["theme_id"] for t in doc["themes"]] == [health["id"]]


def test_pinning_a_theme_waits_for_the_synthesis(scene: Scene) -> None:
    health = by_text(scene, scene.suggest(), "Get into hospitals")

    ack = scene.console.send(
        "theme:pin", {"field": "motivation", "theme_id": health["id"], "pinned": True}
    )

    assert ack["ok"] is False and ack["error"]["code"] == "invalid_transition"


def test_a_late_answer_unlike_any_theme_is_offered_none(scene: Scene) -> None:
    health = by_text(scene, scene.suggest(), "Get into hospitals")
    scene.send("theme:accept", {"theme_id": health["id"]})
    late = scene.answer(0, "Where is the wifi password written?")

    offers = scene.send("themes:fit", {"scope": scene.scope})["offers"]

    assert all(late not in offer["answer_ids"] for offer in offers)


def accepted_and_pinned(scene: Scene) -> dict:
    health = by_text(scene, scene.suggest(), "Get into hospitals")
    scene.send("theme:rename", {"theme_id": health["id"], "label": "Health"})
    scene.send("workshop:synthesis", {})
    scene.send("theme:pin", {"field": "motivation", "theme_id": health["id"], "pinned": True})
    return health


def download(scene: Scene, name: str) -> str:
    response = scene.room.facilitator_browser.get(f"/workshops/{scene.room.workshop_id}/{name}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_markdown_export_lists_the_themes_and_what_each_field_drew_on(scene: Scene) -> None:
    health = accepted_and_pinned(scene)

    page = download(scene, "canvas.md")

    assert f"Drawn from the theme **Health** ({len(health['answers'])} answers):" in page
    assert "## Themes\n\n### Health\n" in page
    assert "> Get into hospitals" in page and "- Get into hospitals" in page


def test_the_themes_csv_has_a_row_per_answer_of_every_theme(scene: Scene) -> None:
    health = accepted_and_pinned(scene)

    rows = list(csv.DictReader(io.StringIO(download(scene, "themes.csv"))))

    mine = [r for r in rows if r["theme"] == "Health"]
    assert len(mine) == len(health["answers"])
    assert {r["status"] for r in mine} == {"accepted"}
    assert {r["pinned_to"] for r in mine} == {"motivation"}
    assert "Get into hospitals" in {r["answer"] for r in mine}
    assert all(r["gathers"].startswith("Question 1:") for r in mine)


def test_a_hidden_answer_leaves_the_exported_themes(scene: Scene) -> None:
    health = accepted_and_pinned(scene)
    scene.send("answer:hide", {"answer_id": health["answers"][0], "hidden": True})

    doc = json.loads(download(scene, "canvas.json"))

    [theme] = doc["themes"]
    assert health["answers"][0] not in [s["answer_id"] for s in theme["sources"]]
    [motivation] = [f for f in doc["fields"] if f["key"] == "motivation"]
    assert health["answers"][0] not in [s["answer_id"] for s in motivation["themes"][0]["sources"]]


def test_moving_many_answers_tells_the_other_console_once(scene: Scene) -> None:
    health = by_text(scene, scene.suggest(), "Get into hospitals")
    scene.other_console.received()

    payload = {"scope": scene.scope, "answer_ids": health["answers"], "label": "All health"}
    scene.send("theme:move", payload)

    assert len(scene.other_console.events("themes")) == 1
