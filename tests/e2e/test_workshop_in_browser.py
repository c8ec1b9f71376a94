"""A whole workshop through the real pages in Chromium, with no socket shortcuts.

The facilitator's console on a 1440x900 laptop, the projector at 1920x1080 and three
phones (390x844, touch, a mobile user agent): sign up and create the workshop, join by
the code on the projector, answer every question, reveal and moderate, build the canvas
while the phones react, end, and open the share link in a browser that was never
logged in. Every screen is photographed and checked for accessibility at each key step
(artifacts/<test name>/); WORKSHOP_DOCS_SCREENSHOTS=1 also refreshes docs/screenshots/.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import pytest

from tests.e2e.axe import check_page
from tests.e2e.pages import (
    LAPTOP,
    PROJECTOR,
    PageErrors,
    Screens,
    answer_card,
    enter_code,
    give_name,
    new_phone,
    send_answer,
    sign_up,
)
from workshop.method import SECTION_LABELS, SELF_AND_WORLD

pytestmark = [pytest.mark.browser, pytest.mark.server]

TITLE = "Harbour Foods: partnering 2027"
ORGANISATION = "Harbour Foods cooperative"
PEOPLE = ("Ana", "Ben", None)  # None joins anonymously

# What each phone answers, question by question (Ana, Ben, the anonymous one).
ANSWERS = {
    "meaning": (
        "Reach into the schools market we cannot open alone",
        "Know-how on cold chains and food safety",
        "Credibility with councils and head teachers",
    ),
    "why": (
        "Without a partner we cannot reach a single canteen at scale",
        "We are getting started, not growing",
        "Later on, partners would make it last",
    ),
    "have-and-lack": (
        "We bring fresh local food and forty growers",
        "We lack refrigerated delivery five days a week",
        "Nobody here knows public procurement",
    ),
    "give-and-bend": (
        "Two people for a year, and open books",
        "Let a partner lead in the kitchens",
        "Never compromise on fair prices for farmers",
    ),
    "where": (
        "School meals in the north region",
        "Forty primary schools within two hours of our growers",
        "The three catering companies that serve them",
    ),
    "what-change": (
        "Every child eats fresh local food three days a week",
        "Farmers paid fairly for what schools buy",
        "Councils in the next region ask for the same",
    ),
    "our-values": ("Honesty", "Fair pay for farmers", "Care for the land"),
    "shared-values": ("Open books", "Respect for growers", "Food safety first"),
}
OFF_TOPIC = "Can someone order pizza for lunch?"  # Ben, on the first question; hidden

STATEMENTS = {
    "motivation": "Reach the schools market with partners who already know it.",
    "purpose": "We cannot reach a canteen at scale alone: this is about getting started.",
    "must_haves": "Refrigerated delivery five days a week, and public procurement know-how.",
    "can_dos": "Two people for a year and open books; a partner may lead in the kitchens.",
    "sphere": "School meals in the north region: forty primary schools, three caterers.",
    "vision": "By 2028 every child in the north region eats fresh local food at lunch.",
}
OUR_VALUES = ["Honesty", "Fair pay for farmers", "Care for the land"]
SHARED_VALUES = ["Open books", "Food safety first"]

# The screenshots shown in the README (docs/screenshots/), by the step and screen captured.
DOCS = {
    "lobby-projector": "projector-lobby.png",
    "q1-moderated-console": "console-answers.png",
    "q5-revealed-projector": "projector-answers.png",
    "q1-answered-ana": "phone-answering.png",
    "reactions-console": "console-synthesis.png",
    "reactions-projector": "projector-canvas.png",
    "share-link-outsider": "shared-canvas.png",
}


def test_a_whole_workshop_runs_in_real_browsers(browser, live_url: str, shots: Path) -> None:
    from playwright.sync_api import expect

    problems = PageErrors()
    screens = Screens(shots, check_page)
    questions = SELF_AND_WORLD.questions
    assert [q.key for q in questions] == list(ANSWERS), "one set of answers per question"

    # 1. The facilitator signs up from the home page and creates a workshop.
    laptop = browser.new_context(**LAPTOP)
    console = laptop.new_page()
    problems.watch(console)
    console.goto(live_url + "/")
    console.get_by_role("link", name="Run a workshop").first.click()
    expect(console).to_have_url(re.compile("/login"))
    sign_up(console, before_submit=lambda: screens.capture("sign-up", console=console))
    expect(console.get_by_label("Workshop title")).to_be_visible()
    console.get_by_label("Workshop title").fill(TITLE)
    console.get_by_label("Organisation (optional)").fill(ORGANISATION)
    screens.capture("new-workshop", console=console)
    console.get_by_role("button", name="Create workshop").click()
    expect(console.locator("#connection-status")).to_contain_text("Connected")
    expect(console.locator("#workshop-title")).to_have_text(TITLE)

    # The projector view opens from the console's link, in the projector's own window.
    projector = browser.new_context(**PROJECTOR).new_page()
    problems.watch(projector)
    projector.goto(console.get_by_role("link", name="Open projector view").get_attribute("href"))
    expect(projector.locator("#connection-status")).to_contain_text("Connected")
    expect(projector.locator("#lobby-title")).to_have_text(TITLE)

    # 2. Three phones join by typing the code they read on the projector.
    code = projector.locator("#lobby-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    typed = (code, f"{code[:3].lower()} {code[3:].lower()}", code)  # as people type it
    phones = []
    for n, (name, keys) in enumerate(zip(PEOPLE, typed, strict=True)):
        phone = new_phone(browser, problems)
        first = n == 0  # Ana's phone is photographed on the way in
        snap = partial(screens.capture, "code", ana=phone) if first else None
        enter_code(phone, live_url, keys, before_continue=snap)
        expect(phone.locator("#join-title")).to_have_text(TITLE)
        if first:
            screens.capture("name", ana=phone)
        give_name(phone, name)
        expect(phone.locator("#me-name")).to_have_text(name or "Anonymous")
        phones.append(phone)
        expect(projector.locator("#lobby-count")).to_have_text(
            "1 person has joined" if n == 0 else f"{n + 1} people have joined"
        )
    ana, ben, anon = phones
    expect(console.locator("#participant-list li")).to_have_count(3)
    expect(console.locator("#participant-list")).to_contain_text("Ana")
    expect(console.locator("#participant-list")).to_contain_text("Ben")
    screens.capture("lobby", console=console, projector=projector, ana=ana, ben=ben, anon=anon)

    # 3 and 4. Start; every phone answers every question, and the facilitator reveals
    # each one on the projector. On the first, an off-topic answer is hidden.
    console.get_by_role("button", name="Start workshop").click()
    wall = projector.locator("#answer-wall")
    for index, question in enumerate(questions):
        number = f"Question {index + 1} of {len(questions)}"
        for phone in phones:
            expect(phone.locator("#q-prompt")).to_have_text(question.prompt)
        expect(console.locator("#current-prompt")).to_have_text(question.prompt)
        expect(projector.locator("#q-prompt")).to_have_text(question.prompt)
        expect(projector.locator("#q-number")).to_have_text(number)
        section = SECTION_LABELS[question.section]
        expect(projector.locator("#q-section")).to_have_text(section)
        expect(ana.locator("#q-section")).to_have_text(section)
        for phone, text in zip(phones, ANSWERS[question.key], strict=True):
            send_answer(phone, text)
        if index == 0:
            send_answer(ben, OFF_TOPIC)
        expect(console.locator("#answered-summary")).to_contain_text("3 of 3")
        answers = 4 if index == 0 else 3
        expect(console.locator("#current-answers .answer-card")).to_have_count(answers)
        # Not on the projector until revealed: only how many came in.
        expect(projector.locator("#answer-count")).to_have_text(f"{answers} answers from 3 people")
        expect(wall.locator(".wall-card")).to_have_count(0)
        if index == 0:
            screens.capture(
                "q1-answered", console=console, projector=projector, ana=ana, ben=ben, anon=anon
            )

        console.get_by_role("button", name="Reveal answers").click()
        expect(console.locator("#reveal-state")).to_have_text("Shown")
        if question.section == "values":
            # What we stand for shows as a word cloud, with the same counts as a list.
            expect(projector.locator("#answer-cloud")).to_be_visible()
            expect(projector.locator("#cloud-list li").first).to_be_attached()
            expect(wall).to_be_hidden()
        else:
            for text in ANSWERS[question.key]:
                expect(wall).to_contain_text(text)
            expect(wall.locator(".wall-card")).to_have_count(answers)

        if index == 0:
            # Moderation: the off-topic answer leaves the projector, and stays in the console.
            expect(wall).to_contain_text(OFF_TOPIC)
            screens.capture("q1-revealed", console=console, projector=projector)
            off_topic = console.locator("#current-answers .answer-card").filter(has_text=OFF_TOPIC)
            off_topic.get_by_role(
                "button", name=f"Hide “{OFF_TOPIC[:29].rstrip()}…” by Ben from the projector"
            ).click()
            expect(off_topic).to_have_attribute("data-hidden", "true")
            expect(off_topic.locator(".answer-hidden-tag")).to_be_visible()
            expect(wall).not_to_contain_text(OFF_TOPIC)
            expect(wall.locator(".wall-card")).to_have_count(3)
            # The facilitator looks at the controls and the answers together.
            console.locator("#answers-section").evaluate(
                "section => section.scrollIntoView({block: 'center'})"
            )
            screens.capture("q1-moderated", console=console, projector=projector)
        elif index == len(questions) - 1:
            screens.capture(
                f"q{index + 1}-revealed",
                console=console,
                projector=projector,
                ana=ana,
                ben=ben,
                anon=anon,
            )
        elif question.section != questions[index - 1].section:
            # The first question of the World and the Values parts.
            step = f"q{index + 1}-revealed"
            screens.capture(step, console=console, projector=projector, ana=ana)

        if index < len(questions) - 1:
            console.get_by_role("button", name="Next", exact=True).click()
            # The next question starts hidden on the projector.
            expect(projector.locator("#q-prompt")).to_have_text(questions[index + 1].prompt)
            expect(wall.locator(".wall-card")).to_have_count(0)

    expect(console.get_by_role("button", name="Next", exact=True)).to_be_disabled()

    # 4. The synthesis: pin an answer per field, write the statements, the purpose and
    # the values, live on the projector and the phones.
    console.get_by_role("button", name="Build the canvas").click()
    expect(console.locator("#synthesis")).to_be_visible()
    expect(console.locator("#phase-tag")).to_have_text("Synthesis")
    expect(projector.locator("#screen-canvas")).to_be_visible()
    board = projector.locator("#board")
    expect(board.locator(".board-card")).to_have_count(7)
    for phone in phones:
        expect(phone.locator("#phone-synthesis")).to_be_visible()
        expect(phone.locator("#canvas-list .canvas-item")).to_have_count(7)
    motivation = console.locator("#syn-motivation")
    expect(motivation.locator(".syn-answer")).to_have_count(4)
    expect(answer_card(motivation, OFF_TOPIC)).to_contain_text("Hidden on projector")
    # The three phones show the same canvas here, and the same thank-you at the end: one
    # stands for all.
    screens.capture("synthesis-start", console=console, projector=projector, ana=ana)

    sources = {
        "motivation": ANSWERS["meaning"][0],
        "purpose": ANSWERS["why"][0],
        "must_haves": ANSWERS["have-and-lack"][1],
        "can_dos": ANSWERS["give-and-bend"][0],
        "sphere": ANSWERS["where"][1],
        "vision": ANSWERS["what-change"][0],
    }
    for key, text in STATEMENTS.items():
        field = console.locator(f"#syn-{key}")
        card = answer_card(field, sources[key])
        card.get_by_role("button", name="Pin", exact=True).click()
        expect(card.get_by_role("button", name="Pinned")).to_have_attribute("aria-pressed", "true")
        expect(field.locator(".syn-pinned-count")).to_have_text("1 answer pinned")
        box = field.get_by_label("Statement", exact=True)
        box.fill(text)
        box.blur()
        expect(console.locator(f"#statement-{key}-status")).to_have_text("Saved")
        expect(board.locator(f"[data-field={key}] .board-statement")).to_have_text(text)
    console.get_by_role("radio", name=re.compile("^Viability")).check()
    expect(board.locator("[data-field=purpose] .board-purpose")).to_have_text("Viability")
    for label, items in (
        ("Add to Our values", OUR_VALUES),
        ("Add to Values a partner must share", SHARED_VALUES),
    ):
        box = console.get_by_label(label)
        for item in items:
            box.fill(item)
            box.press("Enter")
    expect(board.locator("[data-facet=ours] .board-value")).to_have_text(OUR_VALUES)
    expect(board.locator("[data-facet=shared] .board-value")).to_have_text(SHARED_VALUES)
    for phone in phones:
        for key, text in STATEMENTS.items():
            expect(phone.locator(f"[data-field={key}] .canvas-statement")).to_have_text(text)
        expect(phone.locator("[data-field=values] .canvas-value")).to_have_text(
            OUR_VALUES + SHARED_VALUES
        )

    # The phones react; the tallies follow on the console and the projector.
    reactions = {
        ana: [("Agree with", "Motivation"), ("Agree with", "Vision")],
        ben: [("Agree with", "Motivation"), ("Concern about", "How far we will go")],
        anon: [("Agree with", "Motivation"), ("Agree with", "Values")],
    }
    for phone, taps in reactions.items():
        for verb, label in taps:
            button = phone.get_by_role("button", name=f"{verb} {label}")
            button.tap()
            expect(button).to_have_attribute("aria-pressed", "true")
    tallies = {
        "motivation": ("3", "0"),
        "vision": ("1", "0"),
        "can_dos": ("0", "1"),
        "values": ("1", "0"),
        "sphere": ("0", "0"),
    }
    for key, (agree, concern) in tallies.items():
        for tally in (
            console.locator(f"#syn-{key} .syn-tally"),
            board.locator(f"[data-field={key}] .tally"),
        ):
            expect(tally).to_have_attribute("data-agree", agree)
            expect(tally).to_have_attribute("data-concern", concern)
    expect(board.locator("[data-field=can_dos] .tally")).to_contain_text("1 concern")
    ana.locator("[data-field=motivation]").scroll_into_view_if_needed()
    ben.locator("[data-field=can_dos]").scroll_into_view_if_needed()
    console.evaluate("window.scrollTo(0, 0)")
    screens.capture("reactions", console=console, projector=projector, ana=ana, ben=ben, anon=anon)

    # End the workshop: it seals version 1; every screen says so.
    console.get_by_role("button", name="End workshop…").click()
    console.get_by_role("button", name="Yes, end workshop").click()
    expect(console.locator("#ended-panel")).to_be_visible()
    # Ending sealed the canvas, and the console says so.
    expect(console.locator("#ended-summary")).to_contain_text("The canvas is saved as version 1.")
    for phone in phones:
        expect(phone.locator("#phone-ended")).to_be_visible()
    expect(projector.locator("#screen-ended")).to_be_visible()
    screens.capture("ended", console=console, projector=projector, ana=ana)

    # The facilitator opens the canvas from the console, goes to version 1 and shares it.
    with laptop.expect_page() as opened:
        console.get_by_role("link", name="Open the canvas").click()
    canvas = opened.value
    problems.watch(canvas)
    expect(canvas.locator("#canvas-title")).to_have_text(TITLE)
    versions = canvas.locator("#version-list")
    expect(versions.locator("li")).to_have_count(1)
    # Nothing changed since ending sealed it, so the page opens on version 1, not a draft.
    expect(canvas.locator("#canvas-version")).to_contain_text("Version 1")
    versions.get_by_role("link", name="Version 1").click()
    expect(canvas.locator("#canvas-version")).to_contain_text("Version 1")
    canvas.get_by_role("button", name="Make a share link").click()
    share = canvas.locator("#share-url")
    expect(share).to_be_visible()
    expect(canvas.locator("#canvas-version")).to_contain_text("Version 1")  # still on it
    assert "version=1" in canvas.url, canvas.url
    share_url = share.get_attribute("href")
    assert share_url and "/c/" in share_url, share_url
    screens.capture("canvas-page", full_page=True, facilitator=canvas)

    # 5. Someone who was never logged in opens the link, in a browser of their own.
    outsider = browser.new_context(**LAPTOP)
    assert outsider.cookies() == []
    shared = outsider.new_page()
    problems.watch(shared)
    shared.goto(share_url)
    expect(shared.locator("#canvas-title")).to_have_text(TITLE)
    expect(shared.locator("#canvas-version")).to_contain_text("Version 1")
    expect(shared.locator(".poster-field")).to_have_count(7)
    for key, text in STATEMENTS.items():
        expect(shared.locator(f"#field-{key} .poster-statement")).to_have_text(text)
        expect(shared.locator(f"#field-{key} .poster-sources summary")).to_have_text(
            "Drawn from 1 answer"
        )
    expect(shared.locator("#field-purpose .poster-purpose")).to_contain_text("Viability")
    expect(shared.locator("#field-values [data-facet=ours] li")).to_have_text(OUR_VALUES)
    expect(shared.locator("#field-values [data-facet=shared] li")).to_have_text(SHARED_VALUES)
    # Read-only, and nothing hidden or private comes with it.
    expect(shared.locator("#tools-title")).to_have_count(0)
    expect(shared.locator("body")).not_to_contain_text(OFF_TOPIC)
    expect(shared.locator("body")).not_to_contain_text("Ben")
    screens.capture("share-link", full_page=True, outsider=shared)

    screens.publish(DOCS)
    assert problems.errors == []
