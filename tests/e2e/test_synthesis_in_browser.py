"""The synthesis through the real pages in Chromium: the canvas built live on the console,
shown on the projector, reacted to on phones, edited from two consoles at once, sealed,
and printed on one landscape sheet."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.e2e.axe import check_page
from tests.e2e.pages import PageErrors, join, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.server]

# Long-ish statements, about 300 characters each: the printed canvas must still fit one sheet.
LONG = {
    "motivation": (
        "Partnering means reaching the schools market with partners who already know it: "
        "their buyers, their kitchens and their calendar. We bring fresh local food and the "
        "growers behind it; they bring the doors we cannot open alone, and the credibility "
        "that comes with a name teachers already trust."
    ),
    "purpose": (
        "Viability first. Without a partner in school catering we cannot reach a single "
        "canteen at the scale that pays for the cold chain, so this is about getting started "
        "at all. Momentum will matter later, once the first region works and other regions "
        "ask to follow what we built together."
    ),
    "must_haves": (
        "Distribution into school kitchens, a refrigerated route that runs five days a week, "
        "and someone who knows public procurement rules from the inside. Without these three "
        "gaps filled there is no deal, however good the food is. Everything else we can "
        "learn on the way or buy in when we need it."
    ),
    "can_dos": (
        "Two people for a year, the growers' network, open books on prices and volumes, and "
        "a shared roadmap we write together. We will let a partner lead in the kitchens and "
        "speak for us to the councils. We will not give up the fair price to farmers, which "
        "is where our name comes from."
    ),
    "sphere": (
        "School meals in the north region first: forty primary schools within two hours of "
        "our growers, served by three catering companies. It is small enough for a handful "
        "of partners to change, and big enough that councils in the next region will notice "
        "and want the same for their children."
    ),
    "vision": (
        "By 2028 every primary school child in the north region eats fresh, local food at "
        "lunch at least three days a week, grown by farmers who are paid fairly and brought "
        "in through a cold chain we run with our partners. Teachers see the difference in "
        "the afternoon, and parents ask how to buy the same."
    ),
}


def pdf_pages(pdf: bytes) -> int:
    """Count the pages of a PDF: its page objects, not the page tree."""
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def create_workshop(console, live_url: str, title: str) -> None:  # type: ignore[no-untyped-def]
    """Sign a facilitator up and create a workshop; land on its console."""
    console.goto(live_url + "/workshops/new")
    if "/login" in console.url:
        sign_up(console)
    console.get_by_label("Workshop title").fill(title)
    console.get_by_role("button", name="Create workshop").click()


def answer(phone, text: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    phone.locator("#answer-text").fill(text)
    phone.locator("#send-answer").click()
    expect(phone.locator("#my-answers")).to_contain_text(text)


def answer_card(field, text: str):  # type: ignore[no-untyped-def]
    """The card of one answer in a field of the synthesis (its own text, not a menu's)."""
    return field.locator(".syn-answer").filter(
        has=field.page.locator(".syn-answer-text").filter(
            has_text=re.compile(f"^{re.escape(text)}$")
        )
    )


def test_the_canvas_is_built_live_reacted_to_sealed_and_printed(
    browser, live_url: str, shots: Path
) -> None:
    from playwright.sync_api import expect

    problems = PageErrors()

    # The facilitator creates a workshop; a projector and two phones join.
    laptop = browser.new_context(viewport={"width": 1440, "height": 900})
    console = laptop.new_page()
    problems.watch(console)
    create_workshop(console, live_url, "Harbour Foods: partnering 2027")
    expect(console.locator("#connection-status")).to_contain_text("Connected")
    code = console.locator("#join-code").inner_text().strip()
    workshop_id = console.locator("body").get_attribute("data-workshop-id")
    canvas_url = f"/workshops/{workshop_id}/canvas"
    expect(console.locator("#open-canvas")).to_have_attribute("href", canvas_url)

    projector = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    problems.watch(projector)
    projector.goto(console.locator("#open-screen").get_attribute("href"))
    ana = join(browser, live_url, code, "Ana", problems)
    ben = join(browser, live_url, code, "Ben", problems)

    # Two questions answered, with a near-duplicate on the first.
    console.locator("#btn-start").click()
    expect(ana.locator("#q-prompt")).to_have_text("What does partnering mean for us?")
    answer(ana, "Reach into the schools market")
    answer(ben, "Reach the <b>school</b> market")
    answer(ben, "Know-how on cold chains")
    console.locator("#btn-next").click()
    expect(ana.locator("#q-number")).to_contain_text("Question 2")
    answer(ana, "We cannot do it alone")

    # The synthesis is open before the last question too; going back and forth is allowed.
    synthesis = console.get_by_role("button", name="Build the canvas")
    expect(synthesis).to_be_visible()
    synthesis.click()
    expect(console.locator("#synthesis")).to_be_visible()
    expect(console.locator("#phase-tag")).to_have_text("Synthesis")
    console.get_by_role("button", name="Back to the questions").click()
    expect(console.locator("#question-panel")).to_be_visible()
    expect(ana.locator("#phone-question")).to_be_visible()
    console.get_by_role("button", name="Build the canvas").click()
    expect(console.locator("#synthesis")).to_be_visible()
    expect(projector.locator("#screen-canvas")).to_be_visible()
    expect(projector.locator("#board .board-card")).to_have_count(7)
    for phone in (ana, ben):
        expect(phone.locator("#phone-synthesis")).to_be_visible()
        expect(phone.locator("#canvas-list .canvas-item")).to_have_count(7)
    check_page(console, "console, synthesis opened")
    check_page(projector, "projector, the canvas, empty")
    check_page(ana, "phone, the canvas, nothing written yet")

    # Near-duplicates fold together, and split again.
    motivation = console.locator("#syn-motivation")
    expect(motivation.locator(".syn-answer")).to_have_count(3)
    duplicate = answer_card(motivation, "Reach the <b>school</b> market")
    duplicate.get_by_role("button", name="Merge into…").click()
    check_page(console, "console, the merge form open")
    duplicate.get_by_label("Merge into").select_option(
        label="“Reach into the schools market” (Ana)"
    )
    duplicate.get_by_role("button", name="Merge", exact=True).click()
    expect(motivation.locator(".syn-answer")).to_have_count(2)
    kept = answer_card(motivation, "Reach into the schools market")
    expect(kept.locator(".syn-merged summary")).to_have_text("1 similar answer merged here")
    expect(kept.locator(".syn-answer-count")).to_have_attribute("aria-label", "2 answers in one")
    check_page(console, "console, an answer merged")
    console.screenshot(path=shots / "01-console-merged.png")
    kept.get_by_role("button", name=re.compile("^Split")).click()
    expect(motivation.locator(".syn-answer")).to_have_count(3)
    expect(kept.locator(".syn-merged")).to_be_hidden()

    # Pin an answer: marked in words and with an icon, not colour alone.
    kept.get_by_role("button", name="Pin", exact=True).click()
    expect(kept.get_by_role("button", name="Pinned")).to_have_attribute("aria-pressed", "true")
    expect(kept).to_contain_text("On the canvas")
    expect(motivation.locator(".syn-pinned-count")).to_have_text("1 answer pinned")

    # A statement saves as it is typed (no button) and reaches the projector and the phones.
    statement = "Reach the schools market with partners who already know it."
    motivation.get_by_label("Statement", exact=True).fill(statement)
    expect(console.locator("#statement-motivation-status")).to_have_text("Saved")
    board = projector.locator("#board")
    expect(board.locator("[data-field=motivation] .board-statement")).to_have_text(statement)
    for phone in (ana, ben):
        expect(phone.locator("[data-field=motivation] .canvas-statement")).to_have_text(statement)

    # Strategic purpose and a value.
    console.get_by_role("radio", name=re.compile("^Viability")).check()
    expect(board.locator("[data-field=purpose] .board-purpose")).to_have_text("Viability")
    ours = console.get_by_label("Add to Our values")
    ours.fill("Honesty")
    ours.press("Enter")
    expect(console.locator("#syn-values [data-facet=ours] .value-chip")).to_have_text(["Honesty"])
    expect(board.locator("[data-facet=ours] .board-value")).to_have_text(["Honesty"])
    expect(ana.locator("[data-field=values] .canvas-value")).to_have_text(["Honesty"])
    expect(ours).to_be_focused()
    check_page(console, "console, a statement, a pin, the purpose and a value")
    check_page(projector, "projector, the canvas taking shape")

    # A phone agrees, then changes its mind to a concern; the tallies follow everywhere.
    agree = ana.get_by_role("button", name="Agree with Motivation")
    concern = ana.get_by_role("button", name="Concern about Motivation")
    agree.click()
    expect(agree).to_have_attribute("aria-pressed", "true")
    console_tally = motivation.locator(".syn-tally")
    board_tally = board.locator("[data-field=motivation] .tally")
    for tally in (console_tally, board_tally):
        expect(tally).to_have_attribute("data-agree", "1")
        expect(tally).to_have_attribute("data-concern", "0")
    concern.click()
    expect(concern).to_have_attribute("aria-pressed", "true")
    expect(agree).to_have_attribute("aria-pressed", "false")
    for tally in (console_tally, board_tally):
        expect(tally).to_have_attribute("data-agree", "0")
        expect(tally).to_have_attribute("data-concern", "1")
    expect(board_tally).to_contain_text("1 concern")
    # Tapping the pressed one again takes it back.
    ben_agree = ben.get_by_role("button", name="Agree with Motivation")
    ben_agree.click()
    expect(console_tally).to_have_attribute("data-agree", "1")
    ben_agree.click()
    expect(ben_agree).to_have_attribute("aria-pressed", "false")
    expect(console_tally).to_have_attribute("data-agree", "0")
    # A phone that reloads gets its own reaction back.
    ana.reload()
    expect(ana.get_by_role("button", name="Concern about Motivation")).to_have_attribute(
        "aria-pressed", "true"
    )
    ana.screenshot(path=shots / "02-phone-reactions.png")
    check_page(ana, "phone, the canvas with a reaction")
    check_page(projector, "projector, the canvas with tallies")
    projector.screenshot(path=shots / "03-projector-poster.png")
    console.evaluate("window.scrollTo(0, 0)")
    console.screenshot(path=shots / "04-console-synthesis.png")

    # The smallest phone: no sideways scrolling, and every reaction button is a real tap target.
    ben.set_viewport_size({"width": 320, "height": 640})
    assert ben.evaluate("document.documentElement.scrollWidth") <= 320
    for box in ben.locator("#canvas-list .react-btn:visible").evaluate_all(
        "buttons => buttons.map(b => b.getBoundingClientRect().toJSON())"
    ):
        assert box["height"] >= 44 and box["width"] >= 44, box
    ben.screenshot(path=shots / "02-phone-320.png", full_page=True)
    check_page(ben, "phone 320px wide, the canvas")

    # A co-facilitator opens the console in a second tab and types into the same field
    # while the first console rewrites it: nothing is overwritten without a choice.
    second = laptop.new_page()
    problems.watch(second)
    second.goto(console.url)
    theirs_box = second.locator("#statement-motivation")
    expect(theirs_box).to_have_value(statement)
    theirs_box.click()
    theirs_box.press("End")
    theirs_box.press_sequentially(" Teachers trust them.")
    mine = second.locator("#statement-motivation").input_value()
    rewrite = "Reach schools through partners the teachers already trust."
    first_box = console.locator("#statement-motivation")
    first_box.fill(rewrite)
    first_box.blur()
    expect(console.locator("#statement-motivation-status")).to_have_text("Saved")
    conflict = second.locator("#syn-motivation .syn-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Updated by someone else")
    expect(conflict.locator(".syn-conflict-theirs")).to_have_text(rewrite)
    expect(theirs_box).to_have_value(mine)
    expect(second.locator("#statement-motivation-status")).to_contain_text("Not saved yet")
    second.locator("#syn-motivation").screenshot(path=shots / "05-console-conflict.png")
    check_page(second, "second console, an edit in conflict")
    conflict.get_by_role("button", name="Use mine").click()
    expect(second.locator("#statement-motivation-status")).to_have_text("Saved")
    expect(conflict).to_be_hidden()
    expect(first_box).to_have_value(mine)
    expect(console.locator("#statement-motivation-status")).to_have_text("Updated by someone else")
    expect(board.locator("[data-field=motivation] .board-statement")).to_have_text(mine)

    # Both consoles save the same field at the same moment: one wins, the other is refused
    # (stale) or sees the winner's edit arrive, and keeps its own text until it chooses.
    for page, text in ((console, "Fresh food in every school."), (second, "Local food for all.")):
        page.locator("#statement-vision").fill(text)
    console.locator("#statement-vision").evaluate("box => box.blur()")
    second.locator("#statement-vision").evaluate("box => box.blur()")
    both = {console: "Fresh food in every school.", second: "Local food for all."}
    deadline = time.monotonic() + 10
    refused: list = []
    while not refused and time.monotonic() < deadline:
        console.wait_for_timeout(100)
        refused = [p for p in both if p.locator("#syn-vision .syn-conflict").is_visible()]
    assert len(refused) == 1, "exactly one of the two edits is held back for a choice"
    loser = refused[0]
    winner = second if loser is console else console
    expect(winner.locator("#syn-vision .syn-conflict")).to_be_hidden()
    expect(winner.locator("#statement-vision-status")).to_have_text("Saved")
    expect(loser.locator("#statement-vision")).to_have_value(both[loser])
    expect(loser.locator("#syn-vision .syn-conflict-theirs")).to_have_text(both[winner])
    expect(board.locator("[data-field=vision] .board-statement")).to_have_text(both[winner])
    loser.locator("#syn-vision").get_by_role("button", name="Keep theirs").click()
    expect(loser.locator("#statement-vision")).to_have_value(both[winner])
    expect(loser.locator("#statement-vision-status")).to_contain_text("Saved")
    second.close()

    # Long-ish statements on every field, then seal version 1 and end the workshop.
    for key, text in LONG.items():
        box = console.locator(f"#statement-{key}")
        box.fill(text)
        box.blur()
        expect(console.locator(f"#statement-{key}-status")).to_have_text("Saved")
    expect(board.locator("[data-field=vision] .board-statement")).to_have_text(LONG["vision"])
    console.get_by_label("Add to Values a partner must share").fill("Fair pay for farmers")
    console.get_by_label("Add to Values a partner must share").press("Enter")
    expect(board.locator("[data-facet=shared] .board-value")).to_have_text(["Fair pay for farmers"])
    projector.screenshot(path=shots / "06-projector-long-statements.png")
    check_page(projector, "projector, long statements")
    console.get_by_role("button", name="Seal version").click()
    expect(console.locator("#versions-list li")).to_have_count(1)
    expect(console.locator("#versions-list")).to_contain_text("Version 1")
    console.screenshot(path=shots / "07-console-sealed.png")
    check_page(console, "console, version 1 sealed")

    console.locator("#btn-end").click()
    console.locator("#btn-end-confirm").click()
    for phone in (ana, ben):
        expect(phone.locator("#phone-ended")).to_be_visible()
    expect(projector.locator("#screen-ended")).to_be_visible()
    expect(projector.locator("#screen-canvas")).to_be_visible()
    projector.screenshot(path=shots / "08-projector-ended.png")
    check_page(projector, "projector, ended on the canvas")
    check_page(ana, "phone, ended")

    # The canvas page shows version 1, and prints on one landscape A4 or Letter sheet.
    canvas = laptop.new_page()
    problems.watch(canvas)
    canvas.goto(live_url + canvas_url)
    expect(canvas.locator("#version-list")).to_contain_text("Version 1")
    expect(canvas.locator("#version-list li")).to_have_count(1)
    canvas.locator("#version-list").get_by_role("link", name="Version 1").click()
    expect(canvas.locator("#canvas-version")).to_contain_text("Version 1")
    expect(canvas.locator(".poster-field")).to_have_count(7)
    expect(canvas.locator("#field-vision .poster-statement")).to_have_text(LONG["vision"])
    expect(canvas.locator("#field-purpose .poster-purpose")).to_contain_text("Viability")
    expect(canvas.locator("#field-values [data-facet=ours] li")).to_have_text(["Honesty"])
    expect(canvas.locator("#field-motivation .poster-sources summary")).to_have_text(
        "Drawn from 1 answer"
    )
    canvas.screenshot(path=shots / "09-canvas-page.png", full_page=True)
    check_page(canvas, "canvas page, version 1")
    for paper in ("A4", "Letter"):
        pdf = canvas.pdf(format=paper, landscape=True)
        (shots / f"10-canvas-{paper}.pdf").write_bytes(pdf)
        assert pdf_pages(pdf) == 1, f"the canvas prints on {pdf_pages(pdf)} {paper} pages"
    canvas.emulate_media(media="print")
    canvas.set_viewport_size({"width": 1056, "height": 816})  # Letter, landscape, 96 dpi
    expect(canvas.locator("#tools-title")).to_be_hidden()
    canvas.screenshot(path=shots / "11-canvas-printed.png", full_page=True)

    assert problems.errors == []
