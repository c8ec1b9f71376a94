"""Accessibility in Chromium: axe on every page in its meaningful states, the console
from the keyboard alone, what the phone says to a screen reader, focus rings in both
themes, reduced motion, the projector's calm arrivals and the phone's send button.

axe (tests/e2e/axe.py) fails on serious and critical findings; the other checks here
cover what axe cannot see: focus order and rings, live regions over time, motion and
layout."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.axe import check_page
from tests.e2e.pages import PHONE, PageErrors, join, sign_up
from tests.server.live_server import (
    LiveClient,
    fresh_workshop,
    live_console,
    phone_client,
    signed_up_facilitator,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

LAPTOP = {"viewport": {"width": 1440, "height": 900}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
FIRST = "What does partnering mean for us?"
SECOND = "Why does partnering matter to our strategy?"


# ---------------------------------------------------------------- helpers


def logged_in(browser, url: str, session: requests.Session, **options: Any):  # type: ignore[no-untyped-def]
    """A browser context carrying a facilitator's cookies from a requests session."""
    context = browser.new_context(**(options or LAPTOP))
    context.add_cookies([{"name": c.name, "value": c.value, "url": url} for c in session.cookies])
    return context


def screen_link(url: str, session: requests.Session, workshop_id: int) -> str:
    html = session.get(f"{url}/workshops/{workshop_id}/console", timeout=5).text
    return re.search(r'id="open-screen" href="([^"]+)"', html)[1]


def answer_from(phone: LiveClient, text: str) -> None:
    """Answer the current question (a fresh join is the way to read it).

    Resyncs are limited per connection: when refused, wait as long as the server says."""
    while True:
        snapshot = phone.send("phone:join", {"workshop_id": phone.workshop_id})  # type: ignore[attr-defined]
        if snapshot["ok"] or snapshot["error"]["code"] != "rate_limited":
            break
        time.sleep(snapshot["error"]["details"]["retry_after"])
    question = snapshot["state"]["question"]
    ack = phone.send("answer:submit", {"question_id": question["id"], "text": text})
    assert ack["ok"], ack


# The projector's dark stage has a faint teal glow (a radial gradient), and axe cannot
# measure contrast over a gradient: it leaves those checks "incomplete". So the projector
# is checked twice, the second time on a flat background as light as the glow gets.
GLOW_AT_ITS_BRIGHTEST = "#142429"  # rgb(95 212 198 / 0.10) over #0b1017


def check_projector(page, label: str) -> None:  # type: ignore[no-untyped-def]
    check_page(page, label)
    page.evaluate("(flat) => { document.body.style.background = flat; }", GLOW_AT_ITS_BRIGHTEST)
    try:
        check_page(page, f"{label}, contrast on the dark theme measured on a flat background")
    finally:
        page.evaluate("() => document.body.style.removeProperty('background')")


def check_phone(page, label: str) -> None:  # type: ignore[no-untyped-def]
    """axe, and every control a thumb can hit: 44 by 44 CSS pixels or more."""
    check_page(page, label)
    small = page.evaluate(TOO_SMALL)
    assert small == [], f"{label}: tap targets under 44px: {small}"


# What a keyboard user sees on the focused element: its outline (or ring) and
# the contrast of that ring against what is behind it.
FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // A visually hidden radio shows its focus on the label right after it.
  const shown = el.matches('.segment-input') ? el.nextElementSibling : el;
  const style = getComputedStyle(shown);
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let behind = shown.parentElement;
  let bg = [255, 255, 255];
  while (behind) {
    const c = rgb(getComputedStyle(behind).backgroundColor);
    if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) { bg = c; break; }
    behind = behind.parentElement;
  }
  const ring = rgb(style.outlineColor);
  const [hi, lo] = [lum(ring), lum(bg)].sort((a, b) => b - a);
  const box = shown.getBoundingClientRect();
  return {
    id: el.id, tag: el.tagName.toLowerCase(), cls: el.className && String(el.className),
    name: (el.getAttribute('aria-label') || el.textContent || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 60),
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
    contrast: (hi + 0.05) / (lo + 0.05),
    visible: box.width > 0 && box.height > 0,
  };
}"""


def focused_ring(page) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
    return page.evaluate(FOCUS_RING)


def assert_visible_ring(ring: dict[str, Any] | None, where: str) -> None:
    assert ring is not None, f"{where}: focus went nowhere"
    assert ring["visible"], f"{where}: the focused control is not on screen: {ring}"
    assert ring["outline"] != "none" and ring["width"] >= 2, f"{where}: no focus ring: {ring}"
    assert ring["contrast"] >= 3, f"{where}: the focus ring is too faint: {ring}"


def tab_walk(page, limit: int = 120) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Tab from the top of the page (its skip link) through every stop to the end;
    check each stop's focus ring."""
    page.locator(".skip-link").focus()
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        ring = focused_ring(page)
        if ring is None:
            break
        key = (ring["id"], ring["tag"], ring["name"])
        if seen and key == (seen[0]["id"], seen[0]["tag"], seen[0]["name"]):
            break  # round the page and back to the first stop
        assert_visible_ring(ring, f"Tab stop {len(seen) + 1} ({page.url})")
        seen.append(ring)
    return seen


# Records what each live region says, as a screen reader would hear it: the text of
# an aria-live region (or role=status/alert/log) each time it changes, with its politeness.
RECORD_SPEECH = """() => {
  window.__said = [];
  window.__ticks = 0;
  const regions = () => document.querySelectorAll(
    '[aria-live]:not([aria-live="off"]), [role=status], [role=alert], [role=log]');
  const last = new Map();
  const politeness = (node) => node.getAttribute('aria-live') ||
    (node.getAttribute('role') === 'alert' ? 'assertive' : 'polite');
  const listen = () => {
    for (const region of regions()) {
      const text = region.textContent.trim().replace(/\\s+/g, ' ');
      if (last.get(region) === text) continue;
      last.set(region, text);
      if (text && !region.closest('[hidden]')) {
        window.__said.push({id: region.id, text, live: politeness(region)});
      }
    }
  };
  for (const region of regions()) last.set(region, region.textContent.trim().replace(/\\s+/g, ' '));
  new MutationObserver(listen).observe(document.body,
    {subtree: true, childList: true, characterData: true, attributes: true,
     attributeFilter: ['hidden']});
  const timer = document.getElementById('phone-timer-text');
  new MutationObserver(() => { window.__ticks += 1; })
    .observe(timer, {subtree: true, childList: true, characterData: true});
}"""


def said(page) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return page.evaluate("() => window.__said")


def wait_until_said(page, pattern: str, timeout: float = 10) -> dict[str, str]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for item in said(page):
            if re.search(pattern, item["text"]):
                return item
        page.wait_for_timeout(100)
    raise AssertionError(f"nothing said matched {pattern!r}; said: {said(page)}")


# ---------------------------------------------------------------- axe on every page


def test_every_public_and_account_page_passes_axe(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    problems = PageErrors()
    context = browser.new_context(**LAPTOP)
    page = context.new_page()
    problems.watch(page)

    page.goto(live_url + "/")
    check_page(page, "home, join by code")
    page.get_by_label("Workshop code").fill("ZZZZZZ")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".field-error")).to_be_visible()
    check_page(page, "home, an unknown code")

    page.goto(live_url + "/no/such/page")
    expect(page.locator("#error-title")).to_have_text("Not found")
    check_page(page, "404")

    page.goto(live_url + "/login")
    check_page(page, "login")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    check_page(page, "login with errors")

    page.goto(live_url + "/signup")
    check_page(page, "signup")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    check_page(page, "signup with errors")

    page.goto(live_url + "/login")
    sign_up(page)
    page.goto(live_url + "/")
    check_page(page, "home, logged in")
    page.goto(live_url + "/workshops/")
    expect(page.locator(".dashboard-empty")).to_be_visible()
    check_page(page, "dashboard, empty")
    page.goto(live_url + "/workshops/new")
    check_page(page, "new workshop")
    page.get_by_role("button", name="Create workshop").click()
    expect(page.locator("#title-error")).to_be_visible()
    check_page(page, "new workshop with errors")

    # The team pages and the import are reached from the dashboard, by links.
    page.goto(live_url + "/workshops/")
    page.get_by_role("link", name="Create a team").click()
    expect(page.get_by_role("heading", name="Create a team")).to_be_visible()
    check_page(page, "new team")
    page.get_by_role("button", name="Create team").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    check_page(page, "new team with errors")
    page.goto(live_url + "/workshops/")
    page.get_by_role("link", name="Import a workshop").click()
    expect(page.get_by_role("heading", name="Import a workshop")).to_be_visible()
    check_page(page, "import")
    page.get_by_label("Workshop file (.json)").set_input_files(
        {"name": "notes.json", "mimeType": "application/json", "buffer": b"not json"}
    )
    page.get_by_role("button", name="Import workshop").click()
    expect(page.locator(".field-error")).to_contain_text("Not a JSON file")
    check_page(page, "import with errors")

    page.goto(live_url + "/")
    page.get_by_role("link", name="Your workshops").click()
    page.get_by_role("link", name="Harbour partnerships").click()
    expect(page.locator("#team-name")).to_have_text("Harbour partnerships")
    check_page(page, "team")
    page.get_by_role("button", name="Make an invite link").click()
    expect(page.locator(".invite-link")).to_have_count(1)
    check_page(page, "team with an invite")
    invite = page.locator(".invite-link").get_attribute("href")

    # A colleague opens the invite.
    colleague = logged_in(browser, live_url, signed_up_facilitator(live_url, "Cole"))
    accept = colleague.new_page()
    problems.watch(accept)
    accept.goto(invite)
    expect(accept.locator("#btn-accept")).to_be_visible()
    check_page(accept, "invite accept")
    accept.locator("#btn-accept").click()
    expect(accept.locator("#member-list li")).to_have_count(2)
    check_page(accept, "team after accepting")

    colleague.close()
    context.close()
    # The unknown code and the missing page answer 404 on purpose, a refused import 400
    # (with its message); nothing else may fail.
    expected = (
        "status of 404",
        "/workshops/import: Failed to load resource: the server responded with a status of 400",
    )
    assert [error for error in problems.errors if not any(e in error for e in expected)] == []


def test_every_live_view_and_canvas_page_passes_axe_in_each_state(
    browser, live_url: str, shots: Path
) -> None:
    from playwright.sync_api import expect

    problems = PageErrors()
    laptop = browser.new_context(**LAPTOP)
    console = laptop.new_page()
    problems.watch(console)
    console.goto(live_url + "/workshops/new")
    sign_up(console)
    console.get_by_label("Workshop title").fill("Harbour Foods")
    console.get_by_label("Organisation").fill("Harbour Foods Ltd")
    console.get_by_role("button", name="Create workshop").click()
    expect(console.locator("#connection-status")).to_contain_text("Connected")
    code = console.locator("#join-code").inner_text().strip()
    workshop_id = console.locator("body").get_attribute("data-workshop-id")

    # Lobby: console, projector with its QR code, a phone joining.
    check_page(console, "console, lobby, nobody yet")
    projector = browser.new_context(**PROJECTOR).new_page()
    problems.watch(projector)
    projector.goto(console.locator("#open-screen").get_attribute("href"))
    expect(projector.locator("#lobby-qr svg")).to_be_visible()
    expect(projector.locator("#connection-status")).to_contain_text("Connected")
    check_projector(projector, "projector, lobby with QR")

    phone = browser.new_context(**PHONE).new_page()
    problems.watch(phone)
    phone.goto(f"{live_url}/j/{code}")
    check_phone(phone, "phone, join")
    name = phone.get_by_label("Your name")
    name.evaluate("box => box.removeAttribute('maxlength')")
    name.fill("A" * 200)
    phone.get_by_role("button", name="Join", exact=True).click()
    expect(phone.locator("#name-error")).to_be_visible()
    check_phone(phone, "phone, join with a name too long")
    phone.get_by_label("Your name").fill("Ana")
    phone.get_by_role("button", name="Join", exact=True).click()
    expect(phone.locator("#phone-lobby")).to_be_visible()
    check_phone(phone, "phone, lobby (waiting for the facilitator)")
    ben = join(browser, live_url, code, "Ben", problems)
    expect(console.locator("#participant-list li")).to_have_count(2)
    expect(projector.locator("#lobby-count")).to_contain_text("2 people")
    check_page(console, "console, lobby, two people")
    check_projector(projector, "projector, lobby, two people")

    # A question: the phone asks, refuses an empty answer, sends, edits, deletes.
    console.locator("#btn-start").click()
    expect(phone.locator("#q-prompt")).to_have_text(FIRST)
    check_phone(phone, "phone, question")
    check_projector(projector, "projector, question, answers hidden")
    phone.locator("#send-answer").click()
    expect(phone.locator("#answer-error")).to_be_visible()
    check_phone(phone, "phone, question with an error")
    phone.locator("#answer-text").fill("Reach the schools market")
    phone.locator("#send-answer").click()
    expect(phone.locator("#my-answers")).to_contain_text("Saved")
    check_phone(phone, "phone, answered")
    phone.locator(".btn-edit").first.click()
    expect(phone.locator(".edit-text")).to_be_focused()
    check_phone(phone, "phone, editing an answer")
    phone.locator(".btn-edit-cancel").first.click()
    phone.locator(".btn-delete").first.click()
    expect(phone.locator(".btn-delete-cancel")).to_be_focused()
    check_phone(phone, "phone, confirming a delete")
    phone.locator(".btn-delete-cancel").click()
    ben.locator("#answer-text").fill("Know-how on cold chains")
    ben.locator("#send-answer").click()
    expect(console.locator("#current-answers li")).to_have_count(2)
    expect(console.locator("#answered-summary")).to_contain_text("2 of 2")

    # The timer, answers revealed on the projector, one hidden by the facilitator.
    console.locator("#btn-timer-2").click()
    expect(phone.locator("#phone-timer")).to_be_visible()
    expect(projector.locator("#screen-timer")).to_be_visible()
    check_phone(phone, "phone, question with a timer")
    console.locator("#btn-reveal").click()
    expect(projector.locator("#answer-wall .wall-card")).to_have_count(2)
    check_page(console, "console, question live with answers and a timer")
    check_projector(projector, "projector, question revealed with answers and a timer")
    projector.screenshot(path=shots / "projector-revealed.png")
    console.screenshot(path=shots / "console-question.png")
    console.locator("#current-answers .answer-toggle").first.click()
    expect(console.locator("#current-answers .answer-hidden-tag:visible")).to_have_count(1)
    expect(projector.locator("#answer-wall .wall-card")).to_have_count(1)
    check_page(console, "console, an answer hidden")
    console.locator("#btn-timer-stop").click()
    console.locator("#btn-answering").click()
    expect(phone.locator("#closed-notice")).to_be_visible()
    check_phone(phone, "phone, answering closed")
    check_projector(projector, "projector, answering closed")
    phone.screenshot(path=shots / "phone-closed.png", full_page=True)
    console.locator("#btn-next").click()
    expect(phone.locator("#q-prompt")).to_have_text(SECOND)
    expect(console.locator("#other-answers")).to_be_visible()
    check_page(console, "console, second question, answers to the first below")

    # The synthesis on every screen, with a statement, a pin and reactions.
    console.locator("#btn-synthesis").click()
    expect(console.locator("#synthesis")).to_be_visible()
    expect(projector.locator("#screen-canvas")).to_be_visible()
    expect(phone.locator("#phone-synthesis")).to_be_visible()
    statement = console.locator("#statement-motivation")
    statement.fill("Reach the schools market with partners who know it.")
    statement.blur()
    expect(console.locator("#statement-motivation-status")).to_have_text("Saved")
    console.locator("#syn-motivation .syn-answer").first.get_by_role(
        "button", name="Pin", exact=True
    ).click()
    phone.get_by_role("button", name="Agree with Motivation").click()
    expect(phone.get_by_role("button", name="Agree with Motivation")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(projector.locator("[data-field=motivation] .tally")).to_have_attribute("data-agree", "1")
    check_page(console, "console, synthesis")
    check_projector(projector, "projector, synthesis")
    check_phone(phone, "phone, synthesis with reactions")
    console.locator("#syn-motivation .syn-answer").first.get_by_role(
        "button", name="Merge into…"
    ).click()
    check_page(console, "console, synthesis, merging an answer")
    console.keyboard.press("Escape")
    console.get_by_role("button", name="Seal version").click()
    expect(console.locator("#versions-list li")).to_have_count(1)
    statement.fill("Reach every school in the region with partners who know it.")
    statement.blur()
    expect(console.locator("#statement-motivation-status")).to_have_text("Saved")
    console.get_by_role("button", name="Seal version").click()
    expect(console.locator("#versions-list li")).to_have_count(2)
    check_page(console, "console, synthesis with two versions")

    # The end, everywhere.
    console.locator("#btn-end").click()
    expect(console.locator("#btn-end-cancel")).to_be_focused()
    check_page(console, "console, confirming the end")
    console.locator("#btn-end-confirm").click()
    expect(phone.locator("#phone-ended")).to_be_visible()
    expect(projector.locator("#screen-ended")).to_be_visible()
    expect(console.locator("#ended-panel")).to_be_visible()
    check_page(console, "console, ended")
    check_projector(projector, "projector, ended")
    check_phone(phone, "phone, ended")
    late = browser.new_context(**PHONE).new_page()
    problems.watch(late)
    late.goto(f"{live_url}/j/{code}")
    expect(late.locator("#ended-title")).to_be_visible()
    check_page(late, "phone, a late visitor after the end")

    # The canvas: draft and sealed, with sharing, compare, dashboard, import.
    canvas = laptop.new_page()
    problems.watch(canvas)
    canvas.goto(f"{live_url}/workshops/{workshop_id}/canvas")
    expect(canvas.locator(".poster-field")).to_have_count(7)
    check_page(canvas, "canvas poster")
    canvas.locator("#field-motivation .poster-sources summary").click()
    check_page(canvas, "canvas poster, sources open")
    canvas.locator("#version-list").get_by_role("link", name="Version 1").click()
    expect(canvas.locator("#canvas-version")).to_contain_text("Version 1")
    check_page(canvas, "canvas, version 1")
    canvas.get_by_role("button", name="Make a share link").click()
    expect(canvas.locator("#share-url")).to_be_visible()
    check_page(canvas, "canvas with a share link")
    shared = canvas.locator("#share-url").get_attribute("href")
    canvas.locator("#compare-link").click()
    expect(canvas.locator("#compare-table")).to_be_visible()
    check_page(canvas, "compare versions")
    canvas.goto(live_url + "/workshops/")
    expect(canvas.locator("#dashboard-list li")).to_have_count(1)
    check_page(canvas, "dashboard")
    exported = laptop.request.get(f"{live_url}/workshops/{workshop_id}/export.json").json()
    canvas.goto(live_url + "/workshops/import")
    canvas.get_by_label("Workshop file (.json)").set_input_files(
        {
            "name": "harbour.json",
            "mimeType": "application/json",
            "buffer": json.dumps(exported).encode(),
        }
    )
    canvas.get_by_role("button", name="Import workshop").click()
    expect(canvas.locator(".notice-success")).to_contain_text("Imported")
    check_page(canvas, "canvas of an imported workshop, with its notice")

    reader = browser.new_context(**LAPTOP).new_page()
    problems.watch(reader)
    reader.goto(shared)
    expect(reader.locator(".poster-field")).to_have_count(7)
    check_page(reader, "shared read-only canvas")
    reader.goto(shared + "-no-such-link")
    check_page(reader, "shared canvas, a dead link")

    # The late visitor (410) and the dead share link (404) are refused on purpose.
    expected = ("status of 404", "status of 410")
    assert [e for e in problems.errors if not any(code in e for code in expected)] == []


# ---------------------------------------------------------------- the keyboard


def test_the_console_can_be_driven_from_the_keyboard_alone(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Keyboard only")
    ana = phone_client(live_url, code, workshop_id, "Ana")
    context = logged_in(browser, live_url, facilitator)
    console = context.new_page()
    problems = PageErrors()
    problems.watch(console)
    console.goto(f"{live_url}/workshops/{workshop_id}/console")
    expect(console.locator("#connection-status")).to_contain_text("Connected")
    expect(console.locator("#participant-list li")).to_have_count(1)

    # The shortcuts are on the page, next to what they do, and on the buttons.
    shortcuts = console.locator("#shortcuts")
    expect(shortcuts).to_be_visible()
    for key, action in (("→", "next"), ("←", "previous"), ("R", "reveal")):
        expect(shortcuts).to_contain_text(key)
        expect(shortcuts).to_contain_text(action)
    expect(console.locator("#btn-next")).to_have_attribute("aria-keyshortcuts", re.compile("N"))
    expect(console.locator("#btn-previous")).to_have_attribute("aria-keyshortcuts", re.compile("P"))
    expect(console.locator("#btn-reveal")).to_have_attribute("aria-keyshortcuts", "R")

    # The first Tab shows the skip link, and it takes the focus to the main content.
    console.locator("body").focus()
    console.keyboard.press("Tab")
    skip = console.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert_visible_ring(focused_ring(console), "skip link")
    console.keyboard.press("Enter")
    expect(console.locator("#main")).to_be_focused()

    # Every Tab stop in the lobby shows a ring; Start is one of them, and Enter starts.
    stops = {ring["id"] for ring in tab_walk(console)}
    assert {"open-screen", "open-canvas", "btn-end", "btn-start", "join-url"} <= stops, stops
    start = console.locator("#btn-start")
    start.focus()
    console.keyboard.press("Enter")
    expect(console.locator("#current-prompt")).to_have_text(FIRST)
    ana.wait_for("state")
    # The focus is not dropped on the floor when Start goes away: it moves on to Next.
    expect(console.locator("#btn-next")).to_be_focused()

    # Mid-question, the main controls are all Tab stops, each with a visible ring.
    answer_from(ana, "Open doors together")
    expect(console.locator("#current-answers li")).to_have_count(1)
    stops = {ring["id"] for ring in tab_walk(console)}
    main_controls = {
        "btn-next",
        "btn-synthesis",
        "btn-answering",
        "btn-reveal",
        "btn-timer-1",
        "btn-end",
    }
    assert main_controls <= stops, main_controls - stops
    hide = console.locator("#current-answers .answer-toggle")
    assert any(ring["cls"] and "answer-toggle" in ring["cls"] for ring in tab_walk(console))

    # Space and Enter press buttons; focus stays where it was.
    reveal = console.locator("#btn-reveal")
    reveal.focus()
    console.keyboard.press("Space")
    expect(reveal).to_have_attribute("aria-pressed", "true")
    expect(reveal).to_be_focused()
    expect(console.locator("#reveal-state")).to_have_text("Shown")
    hide.focus()
    console.keyboard.press("Enter")
    expect(console.locator("#current-answers .answer-card")).to_have_attribute(
        "data-hidden", "true"
    )
    expect(hide).to_be_focused()
    console.keyboard.press("Enter")
    expect(console.locator("#current-answers .answer-card")).to_have_attribute(
        "data-hidden", "false"
    )
    preset = console.locator("#btn-timer-1")
    preset.focus()
    console.keyboard.press("Enter")
    expect(console.locator("#timer-display")).to_have_text(re.compile(r"^[01]:\d\d$"))
    expect(preset).to_be_focused()
    stop = console.locator("#btn-timer-stop")
    stop.focus()
    console.keyboard.press("Space")
    expect(console.locator("#timer-display")).to_have_text("No timer")

    # The documented shortcuts work from anywhere but a text field (one at a time:
    # a shortcut pressed while its button is still busy does nothing).
    def shortcut(key: str) -> None:
        expect(console.locator("[aria-busy=true]")).to_have_count(0)
        console.keyboard.press(key)

    console.locator("body").focus()
    shortcut("r")
    expect(reveal).to_have_attribute("aria-pressed", "false")
    shortcut("ArrowRight")
    expect(console.locator("#current-prompt")).to_have_text(SECOND)
    shortcut("n")
    expect(console.locator("#current-number")).to_have_text("Question 3 of 8")
    shortcut("p")
    expect(console.locator("#current-number")).to_have_text("Question 2 of 8")
    shortcut("ArrowLeft")
    expect(console.locator("#current-prompt")).to_have_text(FIRST)
    shortcut("R")
    expect(reveal).to_have_attribute("aria-pressed", "true")
    # Next with Enter keeps the focus on Next.
    nxt = console.locator("#btn-next")
    nxt.focus()
    console.keyboard.press("Enter")
    expect(console.locator("#current-prompt")).to_have_text(SECOND)
    expect(nxt).to_be_focused()

    # A question in the list, by keyboard.
    jump = console.locator(".question-jump").nth(2)
    jump.focus()
    console.keyboard.press("Enter")
    expect(console.locator("#current-number")).to_have_text("Question 3 of 8")

    # The synthesis, by keyboard: every stop has a ring; Pin toggles with Space.
    synthesis = console.locator("#btn-synthesis")
    synthesis.focus()
    console.keyboard.press("Enter")
    expect(console.locator("#synthesis")).to_be_visible()
    stops = tab_walk(console, limit=200)
    ids = {ring["id"] for ring in stops}
    assert {"statement-motivation", "btn-seal-version", "btn-back-to-questions"} <= ids, ids
    pin = console.locator("#syn-motivation").get_by_role("button", name="Pin", exact=True)
    pin.focus()
    console.keyboard.press("Space")
    expect(console.locator("#syn-motivation").get_by_role("button", name="Pinned")).to_be_focused()

    # End, by keyboard: the confirmation takes the focus; Escape closes it and gives it back.
    end = console.locator("#btn-end")
    end.focus()
    console.keyboard.press("Enter")
    expect(console.locator("#btn-end-cancel")).to_be_focused()
    console.keyboard.press("Escape")
    expect(console.locator("#end-confirm")).to_be_hidden()
    expect(end).to_be_focused()

    ana.close()
    context.close()
    assert problems.errors == []


def test_focus_rings_show_on_every_page_and_in_the_projector_theme(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Rings")
    context = logged_in(browser, live_url, facilitator)
    page = context.new_page()
    for path in ("/", "/workshops/new", "/workshops/", f"/workshops/{workshop_id}/canvas"):
        page.goto(live_url + path)
        assert len(tab_walk(page)) >= 3, path

    # The projector is dark: its ring is the dark theme's, and still plain to see.
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(screen_link(live_url, facilitator, workshop_id))
    expect(projector.locator("#connection-status")).to_contain_text("Connected")
    projector.locator("body").focus()
    projector.keyboard.press("Tab")
    ring = focused_ring(projector)
    assert_visible_ring(ring, "projector skip link")
    colour = projector.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    assert colour == "rgb(156, 195, 255)", colour

    # A phone: every control is a real tap target (44px), and shows a ring.
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{live_url}/j/{code}")
    tab_walk(phone)
    small = phone.evaluate(TOO_SMALL)
    assert small == [], small
    context.close()
    projector.context.close()
    phone.context.close()


TOO_SMALL = """() => Array.from(document.querySelectorAll(
    'button, input:not([type=hidden]), textarea, select, a.btn, summary'))
  .filter((el) => el.offsetParent !== null && !el.closest('.visually-hidden, .skip-link'))
  .map((el) => ({id: el.id, text: el.textContent.trim().slice(0, 30),
                 box: el.getBoundingClientRect().toJSON()}))
  .filter(({box}) => box.height < 44 || box.width < 44)"""


# ---------------------------------------------------------------- what a screen reader hears


def test_the_phone_announces_each_new_question_and_the_timer_without_chatter(
    browser, live_url: str
) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Heard, not seen")
    console = live_console(live_url, facilitator, workshop_id)
    problems = PageErrors()
    phone = join(browser, live_url, code, "Ana", problems)
    phone.evaluate(RECORD_SPEECH)

    # A new question is said, politely, from a region that was there all along.
    assert console.send("workshop:start")["ok"]
    expect(phone.locator("#q-prompt")).to_have_text(FIRST)
    heard = wait_until_said(phone, re.escape(FIRST))
    assert heard["live"] == "polite", heard
    assert re.search(r"Question 1 of 8", heard["text"]), heard
    region = phone.locator(f"#{heard['id']}")
    expect(region).to_have_attribute("aria-live", "polite")
    assert console.send("workshop:next")["ok"]
    heard = wait_until_said(phone, re.escape(SECOND))
    assert re.search(r"Question 2 of 8", heard["text"]), heard
    questions_said = [item for item in said(phone) if "partnering" in item["text"]]
    assert len(questions_said) == 2, questions_said

    # The countdown: its ticking clock is a timer, not a live region ...
    timer = phone.locator("#phone-timer")
    expect(timer).to_have_attribute("role", "timer")
    assert phone.evaluate(
        """() => !document.getElementById('phone-timer').closest(
             '[aria-live]:not([aria-live="off"]), [role=status], [role=alert], [role=log]')"""
    )
    # ... and what is said about it comes at sensible moments only.
    phone.evaluate("() => { window.__said = []; window.__ticks = 0; }")
    assert console.send("timer:start", {"seconds": 14})["ok"]
    expect(timer).to_be_visible()
    wait_until_said(phone, r"[Tt]imer.*14 seconds")
    expect(phone.locator("#phone-timer-text")).to_have_text("Time's up", timeout=20_000)
    wait_until_said(phone, r"Time's up")
    ticks = phone.evaluate("() => window.__ticks")
    timer_words = [
        item["text"] for item in said(phone) if re.search(r"second|minute|[Tt]ime", item["text"])
    ]
    assert ticks >= 10, f"the visible clock should tick every second ({ticks})"
    assert len(timer_words) <= 4, f"the timer chatters: {timer_words}"
    assert sum("10 seconds left" in text for text in timer_words) == 1, timer_words
    assert all(item["live"] == "polite" for item in said(phone)), said(phone)

    console.close()
    phone.context.close()
    assert problems.errors == []


# ---------------------------------------------------------------- motion and layout


ARRIVALS = """() => {
  window.__arrivals = [];
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) {
      if (node.nodeType === 1 && node.classList.contains('wall-card')) {
        window.__arrivals.push({
          arriving: node.classList.contains('is-arriving'),
          animation: getComputedStyle(node).animationName,
        });
      }
    }
  }).observe(document.getElementById('answer-wall'), {subtree: true, childList: true});
}"""

RECTS = """() => Object.fromEntries(
  [...document.querySelectorAll('#answer-wall .wall-card, #q-prompt, #answer-wall')]
    .map((el) => [el.dataset.answerId || el.id, el.getBoundingClientRect().toJSON()]))"""


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_answers_arrive_on_the_projector_calmly_and_nothing_jumps(
    browser, live_url: str, motion: str
) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Calm")
    console = live_console(live_url, facilitator, workshop_id)
    phones = [phone_client(live_url, code, workshop_id, name) for name in ("Ana", "Ben", "Cy")]
    projector = browser.new_context(**PROJECTOR, reduced_motion=motion).new_page()
    projector.goto(screen_link(live_url, facilitator, workshop_id))
    expect(projector.locator("#lobby-count")).to_contain_text("3 people")
    dot = projector.evaluate(
        "() => getComputedStyle(document.querySelector('.lobby-count-dot')).animationName"
    )
    assert (dot == "none") == (motion == "reduce"), dot

    assert console.send("workshop:start")["ok"]
    # More answers than the wall has columns, so the next one lands under another card.
    first = ["Open doors together", "Share the cold chain", "Councils", "Kitchens", "Trust"]
    for n, text in enumerate(first):
        answer_from(phones[n % 2], text)
    assert console.send("answers:reveal", {"revealed": True})["ok"]
    wall = projector.locator("#answer-wall .wall-card")
    expect(wall).to_have_count(len(first))
    columns = projector.locator("#answer-wall .wall-column").count()
    assert 1 < columns < len(first), columns
    settled = projector.locator("#answer-wall .wall-card.is-arriving")
    expect(settled).to_have_count(0)  # the first cards have finished arriving
    projector.evaluate(ARRIVALS)
    before = projector.evaluate(RECTS)

    answer_from(phones[2], "A partner who knows the councils")
    expect(wall).to_have_count(len(first) + 1)
    arrivals = projector.evaluate("() => window.__arrivals")
    assert len(arrivals) == 1, arrivals
    if motion == "reduce":
        assert arrivals[0] == {"arriving": False, "animation": "none"}, arrivals
    else:
        assert arrivals[0] == {"arriving": True, "animation": "card-in"}, arrivals
    expect(settled).to_have_count(0)
    after = projector.evaluate(RECTS)
    for key, box in before.items():
        moved = max(abs(after[key][side] - box[side]) for side in ("x", "y", "width", "height"))
        assert moved < 1, f"{key} moved when an answer arrived: {box} -> {after[key]}"

    for phone in phones:
        phone.close()
    console.close()
    projector.context.close()


def test_the_phone_keeps_send_above_the_keyboard_and_says_sent_and_saved(
    browser, live_url: str, shots: Path
) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Thumbs")
    console = live_console(live_url, facilitator, workshop_id)
    problems = PageErrors()
    phone = join(browser, live_url, code, "Ana", problems)
    expect(phone.locator("#phone-lobby")).to_contain_text("waiting for the facilitator")
    assert console.send("workshop:start")["ok"]
    expect(phone.locator("#q-prompt")).to_have_text(FIRST)
    for n in range(4):
        phone.locator("#answer-text").fill(f"Idea number {n}, with some words to make it long")
        phone.locator("#send-answer").click()
        expect(phone.locator("#my-answers li")).to_have_count(n + 1)
    # Sent and saved are said in words and with an icon, next to the thumb and on the answer.
    expect(phone.locator("#send-status")).to_have_text(re.compile("Saved"))
    latest = phone.locator("#my-answers li").first
    expect(latest.locator(".my-answer-status")).to_contain_text("Saved")
    expect(latest.locator(".my-answer-status svg")).to_have_count(1)

    # The on-screen keyboard takes most of the screen of a phone held sideways (Android:
    # the page resizes to what is left): the answer box has the focus, clear of the
    # sticky bar at the top, and Send is still on screen, above the keyboard, though
    # its place is further down.
    phone.set_viewport_size({"width": 390, "height": 280})
    box = phone.locator("#answer-text")
    send = phone.locator("#send-answer")
    bar = phone.locator(".phone-bar")

    def typing_position() -> None:
        box.focus()
        box.evaluate("box => box.scrollIntoView({block: 'start'})")

    def top(locator) -> float:  # type: ignore[no-untyped-def]
        rect = locator.bounding_box()
        assert rect is not None
        return rect["y"]

    def bottom(locator) -> float:  # type: ignore[no-untyped-def]
        rect = locator.bounding_box()
        assert rect is not None
        return rect["y"] + rect["height"]

    typing_position()
    assert top(box) >= bottom(bar), "the focused box hides under the top bar"
    # Where Send would be without sticking: right under the form.
    natural = """() => document.getElementById('answer-form').getBoundingClientRect().bottom
                 + document.getElementById('send-bar').offsetHeight"""
    below = phone.evaluate(natural)
    assert below > 280, f"Send would be on screen anyway ({below}px): the check proves nothing"
    assert top(send) >= 0 and bottom(send) <= 280, send.bounding_box()
    phone.screenshot(path=shots / "phone-keyboard-open.png")

    # iOS keeps the page and covers its bottom: phone.js measures the cover with
    # visualViewport and sets --keyboard-offset on <html>; Send sits just above it.
    phone.set_viewport_size({"width": 390, "height": 844})
    # (After the resize has been handled: phone.js measures again on a resize.)
    phone.evaluate(
        """() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
             document.documentElement.style.setProperty('--keyboard-offset', '420px');
             done();
           })))"""
    )
    box.evaluate("box => { window.scrollTo(0, 0); box.focus({preventScroll: true}); }")
    below = phone.evaluate(natural)
    assert below > 844 - 420, f"Send would be clear of the keyboard anyway ({below}px)"
    assert bottom(send) <= 844 - 420, send.bounding_box()
    phone.screenshot(path=shots / "phone-keyboard-ios.png")
    phone.evaluate("() => document.documentElement.style.removeProperty('--keyboard-offset')")
    phone.set_viewport_size({"width": 390, "height": 280})
    typing_position()
    box.fill("Typed with the keyboard up")
    send.click()
    expect(phone.locator("#my-answers li")).to_have_count(5)
    expect(phone.locator("#send-status")).to_have_text(re.compile("Saved"))

    console.close()
    phone.context.close()
    assert problems.errors == []


def test_the_console_says_who_is_here_who_answered_and_what_to_do_next(
    browser, live_url: str
) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "At a glance")
    context = logged_in(browser, live_url, facilitator)
    console = context.new_page()
    console.goto(f"{live_url}/workshops/{workshop_id}/console")
    expect(console.locator("#connection-status")).to_contain_text("Connected")
    step = console.locator("#next-step")
    expect(step).to_contain_text("Share the code")
    ana = phone_client(live_url, code, workshop_id, "Ana")
    ben = phone_client(live_url, code, workshop_id, "Ben")
    expect(console.locator("#participant-summary")).to_have_text("2 joined · 2 online")
    expect(step).to_contain_text("Start")
    console.locator("#btn-start").click()
    expect(step).to_contain_text("answer")
    answer_from(ana, "One")
    expect(console.locator("#answered-summary")).to_contain_text("1 of 2 participants answered")
    # Who answered is a tick and a word, not a colour.
    expect(console.locator("#participant-list li").first).to_contain_text("answered")
    answer_from(ben, "Two")
    expect(console.locator("#answered-summary")).to_contain_text("2 of 2 participants answered")
    expect(step).to_contain_text("Everyone has answered")
    expect(step).to_contain_text("R")
    console.locator("#btn-reveal").click()
    expect(step).to_contain_text("next question")
    ben.close()
    expect(console.locator("#participant-summary")).to_have_text("2 joined · 1 online")
    expect(console.locator("#participant-list")).to_contain_text("offline")
    ana.close()
    context.close()
