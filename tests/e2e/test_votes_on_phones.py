"""Dot votes on a participant's phone: the dots left, the budget, a reload, the close."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.axe import check_page
from tests.e2e.pages import PageErrors, join
from tests.server.live_server import LiveClient, fresh_workshop, live_console, phone_client

pytestmark = pytest.mark.browser

THEMES = ("Health", "Costs")


@dataclass
class Room:
    workshop_id: int
    console: LiveClient
    question_id: int
    phone: Any
    problems: PageErrors

    def open_vote(self, **options: object) -> dict:
        """The facilitator opens a dot vote on the first question's themes."""
        payload = {"kind": "themes", "scope": f"question:{self.question_id}", **options}
        ack = self.console.send("vote:open", payload)
        assert ack["ok"], ack
        return ack["vote"]

    def results(self) -> dict[str, int]:
        """The dots on each theme, as the console's snapshot has them."""
        vote = self.console.send("console:join", {"workshop_id": self.workshop_id})["state"]["vote"]
        return {item["label"]: item["dots"] for item in vote["items"]}

    def item(self, label: str):  # type: ignore[no-untyped-def]
        return self.phone.locator(".vote-item").filter(
            has=self.phone.locator(".vote-item-label", has_text=re.compile(f"^{label}$"))
        )


@pytest.fixture
def room(browser, live_url: str) -> Iterator[Room]:  # type: ignore[no-untyped-def]
    """Ana's phone on the first question; two others answered it, and each answer is a theme."""
    facilitator, workshop_id, code = fresh_workshop(live_url, "Votes")
    console = live_console(live_url, facilitator, workshop_id)
    state = console.send("console:join", {"workshop_id": workshop_id})["state"]
    question_id = state["questions"][0]["id"]
    problems = PageErrors()
    phone = join(browser, live_url, code, "Ana", problems)
    assert console.send("workshop:start")["ok"]
    others = [phone_client(live_url, code, workshop_id, name) for name in ("Ben", "Cy")]
    for other, label in zip(others, THEMES, strict=True):
        answer = other.send("answer:submit", {"question_id": question_id, "text": label})
        assert answer["ok"], answer
        move = {
            "scope": f"question:{question_id}",
            "answer_ids": [answer["answer"]["id"]],
            "label": label,
        }
        assert console.send("theme:move", move)["ok"]
    yield Room(workshop_id, console, question_id, phone, problems)
    phone.context.close()
    for client in (console, *others):
        client.close()


def test_a_phone_sees_the_vote_and_places_its_dots(room: Room) -> None:
    from playwright.sync_api import expect

    room.open_vote()
    vote = room.phone.locator("#phone-vote")
    expect(vote.locator("#vote-title")).to_have_text("Which themes matter most to us?")
    expect(vote.locator("#vote-left")).to_have_text("3 of 3 dots left")
    # Above the question, which stays on the page.
    expect(room.phone.locator("#q-prompt")).to_be_visible()

    room.phone.get_by_role("button", name="Dot on “Health”").tap()

    expect(vote.locator("#vote-left")).to_have_text("2 of 3 dots left")
    expect(room.phone.get_by_role("button", name="Dot on “Health”")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(vote.locator("#vote-status")).to_have_text("Saved")
    assert room.results() == {"Health": 1, "Costs": 0}
    check_page(room.phone, "a dot vote on a phone")
    assert room.problems.errors == []


def test_a_phone_cannot_place_more_dots_than_it_has(room: Room) -> None:
    from playwright.sync_api import expect

    room.open_vote(dots=2, stack=True)
    add_health = room.phone.get_by_role("button", name="Add a dot to “Health”")
    add_costs = room.phone.get_by_role("button", name="Add a dot to “Costs”")

    add_health.tap()
    add_health.tap()

    expect(room.phone.locator("#vote-left")).to_have_text("0 of 2 dots left")
    expect(add_health).to_be_disabled()
    expect(add_costs).to_be_disabled()
    expect(room.item("Health")).to_contain_text("2 dots")
    # The last tap's button went off: the focus is on the same item's "take one off".
    expect(room.phone.get_by_role("button", name="Take a dot off “Health”")).to_be_focused()
    expect(room.phone.locator("#vote-status")).to_have_text("Saved")
    assert room.results() == {"Health": 2, "Costs": 0}
    assert room.problems.errors == []


def test_a_reload_keeps_the_phones_dots(room: Room) -> None:
    from playwright.sync_api import expect

    room.open_vote()
    room.phone.get_by_role("button", name="Dot on “Costs”").tap()
    expect(room.phone.locator("#vote-status")).to_have_text("Saved")

    room.phone.reload()

    expect(room.phone.locator("#vote-left")).to_have_text("2 of 3 dots left")
    expect(room.phone.get_by_role("button", name="Dot on “Costs”")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(room.phone.get_by_role("button", name="Dot on “Health”")).to_have_attribute(
        "aria-pressed", "false"
    )
    assert room.problems.errors == []


def test_dots_placed_offline_are_sent_when_the_connection_is_back(room: Room) -> None:
    from playwright.sync_api import expect

    room.open_vote()
    expect(room.phone.locator("#vote-left")).to_have_text("3 of 3 dots left")
    room.phone.context.set_offline(True)
    expect(room.phone.locator("#connection-status")).to_have_attribute("data-state", "offline")

    room.phone.get_by_role("button", name="Dot on “Health”").tap()
    expect(room.phone.locator("#vote-status")).to_contain_text("kept on this phone")
    room.phone.context.set_offline(False)

    expect(room.phone.locator("#vote-status")).to_have_text("Saved")
    assert room.results() == {"Health": 1, "Costs": 0}


def test_the_vote_closing_shows_the_phones_dots_without_controls(room: Room) -> None:
    from playwright.sync_api import expect

    room.open_vote()
    room.phone.get_by_role("button", name="Dot on “Health”").tap()
    expect(room.phone.locator("#vote-status")).to_have_text("Saved")

    assert room.console.send("vote:close")["ok"]

    expect(room.phone.locator("#vote-closed")).to_have_text(
        "The vote has closed. Your dots: 1 on “Health”."
    )
    expect(room.phone.locator("#vote-items")).to_be_hidden()
    expect(room.phone.locator("#phone-vote button:visible")).to_have_count(0)
    assert room.problems.errors == []


def test_the_vote_fits_a_320_pixel_phone(room: Room) -> None:
    from playwright.sync_api import expect

    room.phone.set_viewport_size({"width": 320, "height": 640})
    room.open_vote(stack=True)
    expect(room.phone.locator("#vote-left")).to_have_text("3 of 3 dots left")

    sideways = room.phone.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 0
    for button in room.phone.locator("#phone-vote button").all():
        box = button.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44


def test_a_phone_reloaded_after_the_close_still_names_its_dots(room: Room) -> None:
    from playwright.sync_api import expect

    room.open_vote()
    room.phone.get_by_role("button", name="Dot on “Costs”").tap()
    expect(room.phone.locator("#vote-status")).to_have_text("Saved")
    assert room.console.send("vote:close")["ok"]
    expect(room.phone.locator("#vote-closed")).to_be_visible()

    # The closed vote reaches phones without its items: the phone kept their labels.
    room.phone.reload()

    expect(room.phone.locator("#vote-closed-text")).to_have_text("Your dots: 1 on “Costs”.")
    assert room.problems.errors == []
