"""Dot votes in the browser: opened on the console, ranked live on the console and projector."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.pages import console_and_projector
from tests.server.live_server import LiveClient, fresh_workshop, live_console, phone_client

pytestmark = [pytest.mark.browser, pytest.mark.server]

THEMES = ("Health", "Costs", "Schools")


@dataclass
class Room:
    workshop_id: int
    console: LiveClient
    phones: list[LiveClient]
    page: object
    projector: object


@pytest.fixture
def room(browser, live_url: str) -> Iterator[Room]:  # type: ignore[no-untyped-def]
    """Three answers to the first question, each its own accepted theme; console, projector open."""
    facilitator, workshop_id, code = fresh_workshop(live_url, "Votes")
    console = live_console(live_url, facilitator, workshop_id)
    question = console.send("console:join", {"workshop_id": workshop_id})["state"]["questions"][0]
    phones = [phone_client(live_url, code, workshop_id, f"P{n}") for n in range(3)]
    assert console.send("workshop:start")["ok"]
    scope = f"question:{question['id']}"
    for phone, label in zip(phones, THEMES, strict=True):
        answer = phone.send("answer:submit", {"question_id": question["id"], "text": label})
        moved = {"scope": scope, "answer_ids": [answer["answer"]["id"]], "label": label}
        assert console.send("theme:move", moved)["ok"]
    page, projector = console_and_projector(browser, live_url, facilitator, workshop_id)
    yield Room(workshop_id, console, phones, page, projector)
    projector.context.close()
    page.context.close()
    for client in (console, *phones):
        client.close()


def open_vote(room: Room, *, hidden: bool = False) -> dict:
    """Open a vote on the question's themes from the console page; return it as stored."""
    from playwright.sync_api import expect

    panel = room.page.locator("#vote-panel")
    panel.get_by_label("Vote on").select_option(label="The themes of question 1")
    panel.get_by_label("Question").fill("What matters most?")
    if hidden:
        panel.get_by_label("Results on the projector only once it closes").check()
    panel.get_by_role("button", name="Open the vote").click()
    expect(panel.locator(".vote-status")).to_have_text("Open")
    state = room.console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    return state["vote"]


def dots(phone: LiveClient, vote: dict, *labels: str) -> None:
    ids = {item["label"]: item["id"] for item in vote["items"]}
    ack = phone.send("vote:dots", {"vote_id": vote["id"], "dots": {str(ids[x]): 1 for x in labels}})
    assert ack["ok"], ack


def test_the_room_votes_and_the_bars_rank_live(room: Room, shots: Path) -> None:
    from playwright.sync_api import expect

    vote = open_vote(room)
    dots(room.phones[0], vote, "Costs", "Schools")
    dots(room.phones[1], vote, "Costs")

    rows = room.projector.locator(".vote-row")
    expect(room.projector.locator("#vote-title")).to_have_text("What matters most?")
    expect(rows.first).to_have_attribute("aria-label", "Costs: 2 dots, first")
    turnout = room.projector.locator("#vote-turnout")
    expect(turnout).to_contain_text("2 people have voted · 3 dots placed")
    expect(room.page.locator(".vote-bar").first).to_have_attribute(
        "aria-label", "Costs: 2 dots, first"
    )
    room.page.locator("#vote-panel").screenshot(path=str(shots / "console-vote.png"))
    room.projector.screenshot(path=str(shots / "projector-vote.png"))


def test_results_kept_for_the_close_show_only_then(room: Room) -> None:
    from playwright.sync_api import expect

    vote = open_vote(room, hidden=True)
    dots(room.phones[0], vote, "Health")
    expect(room.projector.locator(".vote-chip")).to_have_count(3)
    expect(room.projector.locator("#vote-note")).to_have_text("Results when the vote closes.")

    room.page.get_by_role("button", name="Close the vote").click()

    expect(room.projector.locator(".vote-row").first).to_have_attribute(
        "aria-label", "Health: 1 dot, first"
    )
    expect(room.projector.locator("#vote-note")).to_have_text("The vote has closed.")


def test_taking_the_vote_off_the_screens_brings_the_question_back(room: Room) -> None:
    from playwright.sync_api import expect

    open_vote(room)
    expect(room.projector.locator("#screen-vote")).to_be_visible()

    room.page.get_by_role("button", name="Take it off the screens").click()

    expect(room.projector.locator("#screen-vote")).to_be_hidden()
    expect(room.projector.locator("#q-prompt")).to_be_visible()
    expect(room.page.get_by_role("button", name="Open the vote")).to_be_visible()


def test_the_room_chooses_between_drafted_statements_in_the_synthesis(room: Room) -> None:
    from playwright.sync_api import expect

    room.page.get_by_role("button", name="Build the canvas").click()
    panel = room.page.locator("#vote-panel")
    panel.get_by_label("Vote on").select_option(label="Statements for Vision")
    panel.get_by_label("Statement 1").fill("Every harbour town eats well.")
    panel.get_by_label("Statement 2").fill("Fresh food in every school.")
    panel.get_by_role("button", name="Open the vote").click()
    expect(panel.locator(".vote-status")).to_have_text("Open")
    vote = room.console.send("console:join", {"workshop_id": room.workshop_id})["state"]["vote"]
    assert [i["label"] for i in vote["items"]] == [
        "Every harbour town eats well.",
        "Fresh food in every school.",
    ]

    dots(room.phones[0], vote, "Fresh food in every school.")

    first = room.projector.locator(".vote-row").first
    expect(first).to_have_attribute("aria-label", "Fresh food in every school.: 1 dot, first")
