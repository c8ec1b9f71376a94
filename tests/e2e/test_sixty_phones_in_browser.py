"""A workshop of 60 phones, played in order: the console and the projector in Chromium.

One room advances through the tests below, each about one step of the synthesis at
size: the wall holds all 60 answers with nothing silently cut; themes are suggested,
edited, shown and pinned; the values show as a word cloud; a dot vote ranks the themes;
and the results reach the canvas and its exports. The phones are real sockets joined
through the real form (60 browsers would measure Chromium, not the product).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests

from tests.conftest import BACKEND, POSTGRES_URL, reset_postgres
from tests.e2e.pages import console_and_projector
from tests.e2e.test_answer_wall_in_browser import PAGE
from tests.server.live_server import (
    LiveClient,
    fresh_workshop,
    live_console,
    phone_client,
    running_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONES = 60
# What a room says to "what does partnering mean for us?": four themes in other words,
# a few long answers and one off-topic.
SAID = {
    "health": ["Get into hospitals", "Reach the healthcare sector", "Sell to clinics",
               "A way into hospitals and care homes", "Entrer dans les hôpitaux"],
    "costs": ["Lower our costs", "Cut what we spend", "Share the cost of delivery",
              "Spend less on hosting", "Reduce our operating costs"],
    "schools": ["Reach schools", "Work with school districts", "Get into education",
                "Sell to universities", "Teachers as customers"],
    "trust": ["Be trusted by bigger clients", "Borrow a partner's reputation",
              "Credibility with large buyers", "A name people trust", "Look solid to banks"],
}  # fmt: skip
LONG = "We want partners who open doors we cannot open alone, " * 18
VALUES = ["Trust", "trust", "Honesty", "Respect", "Trust and respect", "Fairness"]


@dataclass
class Room:
    url: str
    facilitator: requests.Session
    workshop_id: int
    console: LiveClient
    phones: list[LiveClient]
    page: object  # the console in Chromium
    projector: object
    questions: list[dict]
    ids: dict = field(default_factory=dict)

    def state(self) -> dict:
        return self.console.send("console:join", {"workshop_id": self.workshop_id})["state"]

    def download(self, name: str) -> str:
        response = self.facilitator.get(f"{self.url}/workshops/{self.workshop_id}/{name}")
        assert response.status_code == 200
        return response.text


@pytest.fixture(scope="module")
def room(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("sixty")
    database = POSTGRES_URL if BACKEND == "postgresql" else f"sqlite:///{folder / 'sixty.db'}"
    if BACKEND == "postgresql":
        reset_postgres()
    with running_server(folder, "threading", database_url=database) as url:
        facilitator, workshop_id, code = fresh_workshop(url, "Sixty")
        console = live_console(url, facilitator, workshop_id)
        phones = [phone_client(url, code, workshop_id, f"Person {n}") for n in range(PHONES)]
        page, projector = console_and_projector(browser, url, facilitator, workshop_id)
        questions = console.send("console:join", {"workshop_id": workshop_id})["state"]["questions"]
        yield Room(url, facilitator, workshop_id, console, phones, page, projector, questions)
        projector.context.close()
        page.context.close()
        for client in (console, *phones):
            client.close()


def test_sixty_phones_answer_and_the_wall_shows_every_answer(room: Room) -> None:
    from playwright.sync_api import expect

    room.page.get_by_role("button", name="Start workshop").click()
    # Drawn from the acknowledgement, after the start committed: the phones may answer.
    expect(room.page.locator("#phase-tag")).to_have_attribute("data-phase", "questions")
    question = room.questions[0]
    texts = [t for group in SAID.values() for t in group] * 3
    texts[-3:] = [LONG, LONG[:500], "Is there coffee left?"]
    for phone, text in zip(room.phones, texts, strict=True):
        assert phone.send("answer:submit", {"question_id": question["id"], "text": text})["ok"]
    expect(room.page.locator("#answered-summary")).to_contain_text("60")
    room.page.get_by_role("button", name="Reveal answers").click()

    seen: list[int] = []
    room.projector.wait_for_function(
        "() => document.getElementById('wall-pager-text').textContent.includes('60 answers')"
    )
    shown = room.projector.evaluate(PAGE)
    for number in range(1, shown["pages"] + 1):
        assert shown["page"] == number
        for card in shown["cards"]:
            assert card["inside"] and card["cut"] == card["marked"], card
        seen.extend(card["id"] for card in shown["cards"])
        if number < shown["pages"]:
            room.page.keyboard.press("PageDown")
            room.projector.wait_for_function(
                "(p) => document.getElementById('answer-wall').dataset.page === String(p)",
                arg=number + 1,
            )
            shown = room.projector.evaluate(PAGE)
    assert sorted(seen) == sorted(a["id"] for a in room.state()["answers"])


def test_themes_are_suggested_edited_and_shown_on_the_projector(room: Room) -> None:
    from playwright.sync_api import expect

    panel = room.page.locator(".themes-panel")
    panel.get_by_role("button", name="Suggest themes").click()
    cards = panel.locator(".theme-card")
    # The first grouping of a server loads the model: seconds on a busy machine.
    expect(cards.first).to_have_attribute("data-status", "suggested", timeout=30_000)
    # The first answer heads its theme's samples; the select menus name every theme.
    samples = room.page.locator(".theme-samples", has_text="Get into hospitals")
    health = panel.locator(".theme-card").filter(has=samples)
    health.get_by_role("button", name="Rename").click()
    health.get_by_label("Theme name").fill("Healthcare")
    health.get_by_role("button", name="Save").click()
    expect(health.locator(".theme-label")).to_have_text("Healthcare")
    health.get_by_role("button", name="Accept").click()
    expect(health).to_have_attribute("data-status", "accepted")
    for count in (2, 3):  # and the two largest suggestions left
        panel.locator('.theme-card[data-status="suggested"]').first.get_by_role(
            "button", name="Accept"
        ).click()
        expect(panel.locator('.theme-card[data-status="accepted"]')).to_have_count(count)
    room.page.get_by_role("button", name="Themes", exact=True).click()

    board = room.projector.locator(".theme-board-card")
    expect(board).to_have_count(3)
    expect(board.filter(has_text="Healthcare")).to_have_count(1)
    expect(room.projector.locator("#wall-pager-text")).to_contain_text("of 60 answers in a theme")
    accepted = [t for t in room.state()["themes"] if t["status"] == "accepted"]
    room.ids["themes"] = {t["label"]: t["id"] for t in accepted}


def test_the_values_show_as_a_word_cloud(room: Room) -> None:
    from playwright.sync_api import expect

    values = next(q for q in room.questions if q["section"] == "values")
    assert room.console.send("workshop:goto", {"position": values["position"]})["ok"]
    expect(room.page.locator("#current-prompt")).to_have_text(values["prompt"])
    for n, phone in enumerate(room.phones):
        text = VALUES[n % len(VALUES)]
        assert phone.send("answer:submit", {"question_id": values["id"], "text": text})["ok"]
    room.page.get_by_role("button", name="Reveal answers").click()

    words = room.projector.locator("#cloud-list li")
    expect(words.first).to_contain_text("trust")
    expect(room.projector.locator("#wall-pager-text")).to_contain_text("from 60 answers")


def test_a_dot_vote_ranks_the_themes(room: Room) -> None:
    from playwright.sync_api import expect

    assert room.console.send("workshop:goto", {"position": 0})["ok"]
    expect(room.page.locator("#current-prompt")).to_have_text(room.questions[0]["prompt"])
    panel = room.page.locator("#vote-panel")
    panel.get_by_label("Vote on").select_option(label="The themes of question 1")
    panel.get_by_role("button", name="Open the vote").click()
    expect(panel.locator(".vote-status")).to_have_text("Open")
    vote = room.state()["vote"]
    draw = random.Random(60)
    cast: Counter[str] = Counter()
    for phone in room.phones:
        chosen = draw.sample(vote["items"], k=2)
        dots = {str(item["id"]): 1 for item in chosen}
        assert phone.send("vote:dots", {"vote_id": vote["id"], "dots": dots})["ok"]
        cast.update(item["label"] for item in chosen)
    leader, most = max(
        cast.items(), key=lambda kv: (kv[1], -[i["label"] for i in vote["items"]].index(kv[0]))
    )

    first = room.projector.locator(".vote-row").first
    expect(first).to_have_attribute("aria-label", f"{leader}: {most} dots, first")
    expect(room.projector.locator("#vote-turnout")).to_contain_text("60 people have voted")
    panel.get_by_role("button", name="Close the vote").click()
    expect(panel.locator(".vote-status")).to_have_text("Closed")
    room.ids["leader"] = (leader, most)


def test_the_theme_and_the_vote_reach_the_canvas_and_its_exports(room: Room) -> None:
    from playwright.sync_api import expect

    assert room.console.send("vote:clear")["ok"]
    expect(room.page.get_by_role("button", name="Open the vote")).to_be_visible()
    room.page.get_by_role("button", name="Build the canvas").click()
    motivation = room.page.locator("#syn-motivation")
    label = room.page.locator(".theme-label", has_text="Healthcare")
    theme = motivation.locator(".theme-card").filter(has=label)
    theme.get_by_role("button", name="Pin to this field").click()
    expect(theme.get_by_role("button", name="Pinned to this field")).to_be_visible()
    leader, most = room.ids["leader"]
    expect(motivation.locator(".syn-vote")).to_contain_text(f"{leader} {most}")

    doc = json.loads(room.download("canvas.json"))
    [field] = [f for f in doc["fields"] if f["key"] == "motivation"]
    assert [t["label"] for t in field["themes"]] == ["Healthcare"]
    assert field["votes"][0]["items"][0] == {"label": leader, "dots": most}
    assert field["votes"][0]["voters"] == PHONES
    assert f"1. {leader}: {most} dots" in room.download("canvas.md")
    assert "Healthcare" in room.download("themes.csv")
