"""Themes in the browser: suggested on the console, decided there, shown on the projector."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.pages import console_and_projector
from tests.server.live_server import LiveClient, fresh_workshop, live_console, phone_client

pytestmark = [pytest.mark.browser, pytest.mark.server]

# How long the first Suggest themes may take: the server loads its model on first use.
GROUPING_MS = 30_000
ANSWERS = [
    "Get into hospitals",
    "Reach the healthcare sector",
    "Sell our software to clinics and hospitals",
    "Lower our costs",
    "Reduce our operating costs",
    "Is there coffee left?",
]


@dataclass
class Room:
    url: str
    workshop_id: int
    question_id: int
    console: LiveClient
    phones: list[LiveClient]
    page: object
    projector: object


@pytest.fixture
def room(browser, live_url: str) -> Iterator[Room]:  # type: ignore[no-untyped-def]
    """Six answers to the first question, the console open in a signed-in browser."""
    facilitator, workshop_id, code = fresh_workshop(live_url, "Themes")
    console = live_console(live_url, facilitator, workshop_id)
    question = console.send("console:join", {"workshop_id": workshop_id})["state"]["questions"][0]
    phones = [phone_client(live_url, code, workshop_id, f"P{n}") for n in range(3)]
    assert console.send("workshop:start")["ok"]
    for n, text in enumerate(ANSWERS):
        ack = phones[n % 3].send("answer:submit", {"question_id": question["id"], "text": text})
        assert ack["ok"], ack
    page, projector = console_and_projector(browser, live_url, facilitator, workshop_id)
    yield Room(live_url, workshop_id, question["id"], console, phones, page, projector)
    projector.context.close()
    page.context.close()
    for client in (console, *phones):
        client.close()


def suggest(room: Room):  # type: ignore[no-untyped-def]
    """Press "Suggest themes"; return the card of the theme holding the hospitals answer."""
    from playwright.sync_api import expect

    room.page.get_by_role("button", name="Suggest themes").click()
    card = room.page.locator(".theme-card", has_text="Get into hospitals")
    # The first grouping of a server loads the model: seconds on a busy machine.
    expect(card).to_have_attribute("data-status", "suggested", timeout=GROUPING_MS)
    return card


def test_suggested_themes_show_with_their_answers_and_can_be_accepted(room: Room) -> None:
    from playwright.sync_api import expect

    card = suggest(room)
    expect(card.locator(".theme-count")).to_have_text(re.compile(r"^[2-6] answers$"))
    expect(card.locator(".theme-samples")).to_contain_text("Get into hospitals")

    card.get_by_role("button", name="Accept").click()

    expect(card).to_have_attribute("data-status", "accepted")
    expect(card.locator(".theme-status")).to_have_text("Accepted")


def test_a_theme_renamed_on_the_console_shows_on_the_projector(room: Room, shots: Path) -> None:
    from playwright.sync_api import expect

    card = suggest(room)
    count = card.locator(".theme-count").inner_text()
    card.get_by_role("button", name="Rename").click()
    card.get_by_label("Theme name").fill("Healthcare")
    room.page.keyboard.press("Enter")
    card.get_by_role("button", name="Accept").click()
    room.page.get_by_role("button", name="Themes", exact=True).click()
    room.page.get_by_role("button", name="Reveal answers").click()

    board = room.projector.locator(".theme-board-card")
    expect(board).to_have_count(1)
    expect(board.locator(".theme-board-label")).to_have_text("Healthcare")
    expect(board.locator(".theme-board-count")).to_have_text(count)
    expect(room.projector.locator("#wall-pager-text")).to_have_text(
        f"1 theme · {count.split()[0]} of 6 answers in a theme"
    )
    room.page.locator("#themes-slot").screenshot(path=str(shots / "console-themes.png"))
    room.projector.screenshot(path=str(shots / "projector-themes.png"))


def test_the_answers_filter_to_those_not_yet_in_a_theme(room: Room) -> None:
    from playwright.sync_api import expect

    card = suggest(room)
    card.get_by_role("button", name="Accept").click()

    room.page.get_by_label("Not yet in a theme").check()

    cards = room.page.locator("#current-answers > li")
    expect(cards).not_to_have_count(len(ANSWERS))
    expect(room.page.locator("#current-answers", has_text="Get into hospitals")).to_have_count(0)
    expect(room.page.locator("#current-answers")).to_contain_text("Is there coffee left?")


def test_a_late_answer_that_fits_an_accepted_theme_is_offered_to_it(room: Room) -> None:
    from playwright.sync_api import expect

    card = suggest(room)
    card.get_by_role("button", name="Accept").click()
    expect(card).to_have_attribute("data-status", "accepted")

    ack = room.phones[0].send(
        "answer:submit", {"question_id": room.question_id, "text": "Win contracts with hospitals"}
    )
    assert ack["ok"], ack

    offer = card.locator(".theme-offer")
    # The console asks for a fit 3.5 s after the late answer, then the server groups.
    expect(offer).to_contain_text("1 new answer fits", timeout=GROUPING_MS)
    before = int(card.locator(".theme-count").inner_text().split()[0])
    offer.get_by_role("button", name="Add them").click()
    expect(card.locator(".theme-count")).to_have_text(f"{before + 1} answers")
    expect(offer).to_be_hidden()


def test_merging_and_dismissing_from_the_console(room: Room) -> None:
    from playwright.sync_api import expect

    card = suggest(room)
    cards = room.page.locator(".theme-card")
    before = cards.count()
    assert before >= 2, "the room's answers make at least two themes"
    other = cards.filter(has_not_text="Get into hospitals").first
    other_label = other.locator(".theme-label").inner_text()
    card.get_by_label("Merge into").select_option(label=other_label)
    card.get_by_role("button", name="Merge").click()
    expect(cards).to_have_count(before - 1)

    merged = cards.filter(has=room.page.locator(".theme-label", has_text=other_label))
    merged.get_by_role("button", name="Dismiss").click()

    expect(cards).to_have_count(before - 2)
    # The dismissed theme's answers are loose again, whether or not a theme is left.
    loose = re.compile(r"(\d+) answers(, no themes yet| not yet in a theme)")
    expect(room.page.locator(".themes-summary")).to_contain_text(loose)
    summary = room.page.locator(".themes-summary").inner_text()
    assert int(loose.search(summary).group(1)) >= 2, summary
