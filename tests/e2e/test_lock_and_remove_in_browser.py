"""The facilitator closes the door from the console, the projector stops showing the way in,
and a removed participant's phone is turned away with a message that says why."""

from __future__ import annotations

import pytest

from tests.e2e.pages import PROJECTOR, PageErrors, enter_code, join, new_phone
from tests.e2e.test_accessibility_in_browser import logged_in, screen_link
from tests.server.live_server import fresh_workshop

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_locking_joining_from_the_console_closes_the_door_and_says_so(
    browser, live_url: str
) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Harbour Foods partnerships")
    problems = PageErrors()
    console = logged_in(browser, live_url, facilitator).new_page()
    problems.watch(console)
    console.goto(f"{live_url}/workshops/{workshop_id}/console")
    screen = browser.new_context(**PROJECTOR).new_page()
    problems.watch(screen)
    screen.goto(screen_link(live_url, facilitator, workshop_id))
    expect(screen.locator("#lobby-code")).to_be_visible()

    lock = console.get_by_role("button", name="Lock joining")
    lock.click()

    expect(lock).to_have_attribute("aria-pressed", "true")
    expect(console.locator("#join-lock-status")).to_contain_text("Joining is closed")
    expect(screen.locator("#lobby-code")).to_be_hidden()
    expect(screen.locator("#lobby-qr")).to_be_hidden()
    expect(screen.locator(".lobby-closed")).to_be_visible()

    late = new_phone(browser, problems)
    enter_code(late, live_url, code)
    late.get_by_role("button", name="Join anonymously").tap()
    expect(late.get_by_role("alert").filter(has_text="closed joining")).to_be_visible()

    lock.click()
    expect(lock).to_have_attribute("aria-pressed", "false")
    expect(screen.locator("#lobby-code")).to_be_visible()
    assert problems.errors == []


def test_a_removed_participant_leaves_the_console_and_their_phone_is_told(
    browser, live_url: str
) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Harbour Foods partnerships")
    problems = PageErrors()
    troll = join(browser, live_url, code, "Troll", problems)
    console = logged_in(browser, live_url, facilitator).new_page()
    problems.watch(console)
    console.goto(f"{live_url}/workshops/{workshop_id}/console")
    people = console.locator("#participant-list")
    expect(people).to_contain_text("Troll")

    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="Remove Troll").click()

    expect(people).not_to_contain_text("Troll")
    expect(console.locator("#participants-title")).to_be_focused()
    expect(troll.get_by_text("The facilitator removed you from this workshop.")).to_be_visible()
    troll.reload()
    expect(troll.get_by_text("The facilitator removed you from this workshop.")).to_be_visible()
    # The page's console reports the refused join as an error; nothing else may fail.
    assert [e for e in problems.errors if "removed" not in e] == []
