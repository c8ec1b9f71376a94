"""A whole workshop through the real pages in Chromium: console, projector, three phones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.pages import PageErrors, join, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_a_workshop_runs_end_to_end_in_a_real_browser(browser, live_url: str, shots: Path) -> None:
    from playwright.sync_api import expect

    problems = PageErrors()

    # The facilitator creates a workshop and lands on its console.
    laptop = browser.new_context(viewport={"width": 1440, "height": 900})
    console = laptop.new_page()
    problems.watch(console)
    console.goto(live_url + "/workshops/new")
    assert "/login" in console.url, "running a workshop needs an account"
    sign_up(console)
    console.get_by_label("Workshop title").fill("Harbour Foods <strategy>")
    console.get_by_role("button", name="Create workshop").click()
    expect(console.locator("#connection-status")).to_contain_text("Connected")
    code = console.locator("#join-code").inner_text().strip()
    assert len(code) == 6
    console.screenshot(path=shots / "01-console-lobby.png")

    # The projector opens from the console's link.
    projector_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    projector = projector_context.new_page()
    problems.watch(projector)
    projector.goto(console.locator("#open-screen").get_attribute("href"))
    expect(projector.locator("#lobby-code")).to_have_text(code)

    # Three phones type the code they read off the projector and join.
    phones = [
        join(browser, live_url, code.lower(), name, problems) for name in ("Ana", "Ben", None)
    ]
    expect(projector.locator("#lobby-count")).to_contain_text("3")
    expect(console.locator("#participant-list li")).to_have_count(3)
    projector.screenshot(path=shots / "02-projector-lobby.png")
    phones[0].screenshot(path=shots / "03-phone-lobby.png")

    # Start; every phone answers the first question.
    console.locator("#btn-start").click()
    for n, phone in enumerate(phones):
        expect(phone.locator("#q-prompt")).to_have_text("What does partnering mean for us?")
        phone.locator("#answer-text").fill(f"Idea {n} <b>not bold</b>")
        phone.locator("#send-answer").click()
        expect(phone.locator("#my-answers")).to_contain_text(f"Idea {n} <b>not bold</b>")
        expect(phone.locator("#my-answers")).to_contain_text("Saved")
    phones[0].screenshot(path=shots / "04-phone-answered.png")
    expect(console.locator("#current-answers")).to_contain_text("Idea 2 <b>not bold</b>")
    expect(console.locator("#answered-summary")).to_contain_text("3 of 3")

    # Answers stay off the projector until revealed, then arrive there.
    expect(projector.locator("#answer-wall")).not_to_contain_text("Idea 0")
    console.locator("#btn-reveal").click()
    expect(projector.locator("#answer-wall")).to_contain_text("Idea 0 <b>not bold</b>")
    expect(projector.locator("#answer-wall")).to_contain_text("Idea 2 <b>not bold</b>")
    projector.screenshot(path=shots / "05-projector-revealed.png")
    console.screenshot(path=shots / "06-console-answers.png")

    # The facilitator moves on with the keyboard shortcut; phones follow.
    console.locator("body").press("ArrowRight")
    for phone in phones:
        expect(phone.locator("#q-prompt")).to_have_text(
            "Why does partnering matter to our strategy?"
        )
    expect(projector.locator("#answer-wall")).not_to_contain_text("Idea 0")

    # End the workshop; phones and projector say so.
    console.locator("#btn-end").click()
    console.locator("#btn-end-confirm").click()
    for phone in phones:
        expect(phone.locator("#phone-ended")).to_be_visible()
    expect(projector.locator("#screen-ended")).to_be_visible()
    projector.screenshot(path=shots / "07-projector-ended.png")

    assert problems.errors == []
