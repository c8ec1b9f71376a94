"""In the room: the narrowest phone, right-to-left text, the projector read from the back,
Hide buttons told apart, counts in the singular, and a phone that is ready to type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.axe import check_page
from tests.e2e.pages import (
    PHONE,
    PROJECTOR,
    PageErrors,
    answer_card,
    give_name,
    join,
    new_phone,
)
from tests.e2e.test_accessibility_in_browser import answer_from, logged_in, screen_link
from tests.server.live_server import LiveClient, fresh_workshop, live_console, phone_client

pytestmark = [pytest.mark.browser, pytest.mark.server]

FIRST = "What does partnering mean for us?"
SECOND = "Why does partnering matter to our strategy?"
NARROW = {**PHONE, "viewport": {"width": 320, "height": 640}}


def direction(locator) -> str:  # type: ignore[no-untyped-def]
    return locator.evaluate("node => getComputedStyle(node).direction")


# --------------------------------------------------------------------- 320 px


def test_no_page_is_wider_than_a_320_px_phone(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Harbour Foods partnerships")
    console = live_console(live_url, facilitator, workshop_id)
    problems = PageErrors()
    phone = browser.new_context(**NARROW).new_page()
    problems.watch(phone)

    def width(label: str) -> None:
        wide = phone.evaluate("document.documentElement.scrollWidth")
        assert wide <= 320, f"{label} is {wide} px wide on a 320 px phone"

    for path in ("/", "/login", "/signup", f"/j/{code}"):
        phone.goto(live_url + path)
        width(path)
    give_name(phone, "Ana")
    width("the live phone, lobby")
    assert console.send("workshop:start")["ok"]
    expect(phone.locator("#q-prompt")).to_have_text(FIRST)
    phone.locator("#answer-text").fill("A long answer " * 8)
    phone.locator("#send-answer").click()
    expect(phone.locator("#my-answers li[data-status=saved]")).to_have_count(1)
    width("the live phone, a question answered")

    account = logged_in(browser, live_url, facilitator, **NARROW).new_page()
    account.goto(live_url + "/")
    assert account.evaluate("document.documentElement.scrollWidth") <= 320, "home, logged in"
    console.close()
    assert problems.errors == []


# --------------------------------------------------------------------- Hide buttons


def test_each_hide_button_names_the_answer_it_hides(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Harbour Foods")
    page = logged_in(browser, live_url, facilitator).new_page()
    page.goto(f"{live_url}/workshops/{workshop_id}/console")
    expect(page.locator("#connection-status")).to_contain_text("Connected")
    ana = phone_client(live_url, code, workshop_id, "Ana")
    page.locator("#btn-start").click()
    expect(page.locator("#current-prompt")).to_have_text(FIRST)
    answer_from(ana, "We want to reach the schools in the north")
    answer_from(ana, "Partners with cold chains")
    expect(page.locator("#current-answers .answer-card")).to_have_count(2)

    toggles = page.locator("#current-answers .answer-toggle")
    names = [toggles.nth(i).evaluate("b => b.getAttribute('aria-label')") for i in range(2)]
    assert len(set(names)) == 2, names
    long_one = page.get_by_role(
        "button", name="Hide “We want to reach the schools…” by Ana from the projector"
    )
    short_one = page.get_by_role(
        "button", name="Hide “Partners with cold chains” by Ana from the projector"
    )
    expect(long_one).to_have_count(1)
    long_one.click()
    expect(page.locator(".answer-card[data-hidden=true]")).to_contain_text("north")
    expect(
        page.get_by_role(
            "button", name="Show “We want to reach the schools…” by Ana on the projector again"
        )
    ).to_be_visible()
    expect(short_one).to_be_visible()
    ana.close()


# --------------------------------------------------------------------- right to left

TITLE = "ورشة الشراكة"
NAME = "أمينة"
ANSWER = "نريد الوصول إلى المدارس في الشمال"
STATEMENT = "نصل إلى المدارس مع شركاء يعرفون المنطقة"
VALUE = "الأمانة"


@dataclass
class RightToLeftRoom:
    """A workshop with an Arabic title, its console, projector and one Arabic-named phone."""

    live_url: str
    workshop_id: int
    laptop: Any
    console: Any
    projector: Any
    phone: Any
    problems: PageErrors


@pytest.fixture
def rtl(browser, live_url: str) -> RightToLeftRoom:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    problems = PageErrors()
    facilitator, workshop_id, code = fresh_workshop(live_url, TITLE)
    laptop = logged_in(browser, live_url, facilitator)
    console = laptop.new_page()
    problems.watch(console)
    console.goto(f"{live_url}/workshops/{workshop_id}/console")
    expect(console.locator("#connection-status")).to_contain_text("Connected")
    projector = browser.new_context(**PROJECTOR).new_page()
    problems.watch(projector)
    projector.goto(screen_link(live_url, facilitator, workshop_id))
    phone = join(browser, live_url, code, NAME, problems)
    return RightToLeftRoom(live_url, workshop_id, laptop, console, projector, phone, problems)


def start(room: RightToLeftRoom) -> None:
    from playwright.sync_api import expect

    room.console.locator("#btn-start").click()
    expect(room.phone.locator("#q-prompt")).to_have_text(FIRST)


def send_answer(room: RightToLeftRoom) -> None:
    from playwright.sync_api import expect

    room.phone.locator("#answer-text").fill(ANSWER)
    room.phone.locator("#send-answer").click()
    expect(room.phone.locator("#my-answers li[data-status=saved]")).to_have_count(1)


def build_canvas(room: RightToLeftRoom) -> None:
    """Open the synthesis; write the statement, pin the answer and add a value, in Arabic."""
    from playwright.sync_api import expect

    console = room.console
    console.locator("#btn-synthesis").click()
    statement = console.locator("#statement-motivation")
    statement.fill(STATEMENT)
    statement.blur()
    expect(console.locator("#statement-motivation-status")).to_have_text("Saved")
    answer_card(console.locator("#syn-motivation"), ANSWER).get_by_role(
        "button", name="Pin", exact=True
    ).click()
    expect(console.locator("#syn-motivation .syn-answer[data-pinned=true]")).to_have_count(1)
    console.get_by_label("Add to Our values").fill(VALUE)
    console.get_by_label("Add to Our values").press("Enter")
    expect(console.locator(".value-chip .value-text").filter(has_text=VALUE)).to_have_count(1)


def test_arabic_titles_and_names_read_right_to_left_in_the_lobby(rtl: RightToLeftRoom) -> None:
    from playwright.sync_api import expect

    assert direction(rtl.console.locator("#workshop-title")) == "rtl"
    assert direction(rtl.projector.locator("#lobby-title")) == "rtl"
    assert direction(rtl.phone.locator("#workshop-title")) == "rtl"
    assert direction(rtl.phone.locator("#me-name")) == "rtl"
    name = rtl.console.locator("#participant-list .participant-name")
    expect(name).to_have_text(NAME)
    assert direction(name) == "rtl"
    assert rtl.problems.errors == []


def test_an_arabic_answer_reads_right_to_left_where_it_is_typed_and_shown(
    rtl: RightToLeftRoom,
) -> None:
    from playwright.sync_api import expect

    start(rtl)
    box = rtl.phone.locator("#answer-text")
    assert direction(box) == "ltr"  # nothing typed yet: the page's
    box.fill(ANSWER)
    assert direction(box) == "rtl"
    send_answer(rtl)
    mine = rtl.phone.locator("#my-answers .my-answer-text")
    expect(mine).to_have_text(ANSWER)
    assert direction(mine) == "rtl"
    card = rtl.console.locator("#current-answers .answer-text")
    expect(card).to_have_text(ANSWER)
    assert direction(card) == "rtl"
    assert direction(rtl.console.locator("#current-answers .answer-author")) == "rtl"
    rtl.console.locator("#btn-reveal").click()
    wall = rtl.projector.locator("#answer-wall .wall-card-text")
    expect(wall).to_have_text(ANSWER)
    assert direction(wall) == "rtl"
    assert rtl.problems.errors == []


def test_an_arabic_canvas_reads_right_to_left_on_every_screen(rtl: RightToLeftRoom) -> None:
    from playwright.sync_api import expect

    start(rtl)
    send_answer(rtl)
    build_canvas(rtl)
    console = rtl.console
    assert direction(console.locator("#statement-motivation")) == "rtl"
    source = console.locator("#syn-motivation .syn-answer-text").filter(has_text=ANSWER)
    assert direction(source) == "rtl"
    assert direction(console.locator(".value-chip .value-text").filter(has_text=VALUE)) == "rtl"
    board = rtl.projector.locator("[data-field=motivation] .board-statement")
    expect(board).to_have_text(STATEMENT)
    assert direction(board) == "rtl"
    board_value = rtl.projector.locator(".board-value").filter(has_text=VALUE)
    expect(board_value).to_have_count(1)
    assert direction(board_value) == "rtl"
    on_phone = rtl.phone.locator("[data-field=motivation] .canvas-statement")
    expect(on_phone).to_have_text(STATEMENT)
    assert direction(on_phone) == "rtl"
    assert rtl.problems.errors == []


def test_the_printed_and_shared_canvas_read_right_to_left(browser, rtl: RightToLeftRoom) -> None:
    start(rtl)
    send_answer(rtl)
    build_canvas(rtl)
    canvas = rtl.laptop.new_page()
    canvas.goto(f"{rtl.live_url}/workshops/{rtl.workshop_id}/canvas")
    for selector in ("#canvas-title", "#field-motivation .poster-statement", ".poster-sources q"):
        assert direction(canvas.locator(selector).first) == "rtl", selector
    assert direction(canvas.locator(".value-pill").filter(has_text=VALUE)) == "rtl"
    canvas.locator("#btn-share").click()
    shared = browser.new_context().new_page()
    shared.goto(canvas.locator("#share-url").get_attribute("href"))
    assert direction(shared.locator("#field-motivation .poster-statement")) == "rtl"
    assert direction(shared.locator("#canvas-title")) == "rtl"
    assert rtl.problems.errors == []


# --------------------------------------------------------------------- the projector

SMALL_TEXT = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const parent = node.parentElement;
    if (!parent.checkVisibility({ visibilityProperty: true })) continue;
    // Visually hidden (for screen readers only): clipped to a pixel.
    let clipped = false;
    for (let up = parent; up && !clipped; up = up.parentElement) {
      const box = up.getBoundingClientRect();
      clipped = getComputedStyle(up).overflow === "hidden" && (box.width <= 1 || box.height <= 1);
    }
    if (clipped) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    // Seen: drawn larger than a pixel (not visually hidden), inside the screen.
    const seen = Array.from(range.getClientRects()).some((r) =>
      r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 &&
      r.top < innerHeight && r.left < innerWidth);
    if (!seen) continue;
    const size = parseFloat(getComputedStyle(parent).fontSize);
    if (size < 32) small.push(`${size.toFixed(1)} px: ${node.textContent.trim().slice(0, 40)}`);
  }
  return small;
}"""


def test_no_text_on_a_1080p_projector_is_smaller_than_32_px(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Harbour Foods")
    console = live_console(live_url, facilitator, workshop_id)
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(screen_link(live_url, facilitator, workshop_id))
    expect(projector.locator("#connection-status")).to_contain_text("Connected")
    phones = [phone_client(live_url, code, workshop_id, name) for name in ("Ana", "Ben")]
    expect(projector.locator("#lobby-count")).to_contain_text("2 people")
    assert projector.evaluate(SMALL_TEXT) == [], "lobby"

    assert console.send("workshop:start")["ok"]
    state = console.send("console:join", {"workshop_id": workshop_id})["state"]
    question_id = state["questions"][0]["id"]
    for n, phone in enumerate(phones * 4):
        text = f"Answer {n}: reach the schools market with partners"
        assert phone.send("answer:submit", {"question_id": question_id, "text": text})["ok"]
    assert console.send("answers:reveal", {"revealed": True})["ok"]
    assert console.send("timer:start", {"seconds": 120})["ok"]
    expect(projector.locator("#answer-wall .wall-card")).to_have_count(8)
    expect(projector.locator("#screen-timer")).to_be_visible()
    assert projector.evaluate(SMALL_TEXT) == [], "a question with its answers revealed"

    assert console.send("workshop:synthesis")["ok"]
    expect(projector.locator("#screen-canvas")).to_be_visible()
    version = 0
    for key, text in (
        ("motivation", "Reach schools we cannot reach alone."),
        ("purpose", "Partners to start the school meals, and to keep them going."),
        ("vision", "Fresh local food in every school."),
    ):
        ack = console.send("canvas:statement", {"field": key, "text": text, "version": 0})
        assert ack["ok"], ack
    version = console.send("canvas:purpose", {"purpose": "both", "version": 1})
    assert version["ok"], version
    values = {"facet": "ours", "items": ["Honesty", "Care"], "version": 0}
    assert console.send("canvas:values", values)["ok"]
    expect(projector.locator("[data-field=vision] .board-statement")).to_have_text(
        "Fresh local food in every school."
    )
    expect(projector.locator(".board-value")).to_have_count(2)
    assert projector.evaluate(SMALL_TEXT) == [], "the synthesis canvas"
    for phone in phones:
        phone.close()
    console.close()


# --------------------------------------------------------------------- counts


def _phone_on_the_first_question(browser, live_url: str):  # type: ignore[no-untyped-def]
    """A workshop whose console started it, with Ana's phone showing the first question."""
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Harbour Foods")
    console = live_console(live_url, facilitator, workshop_id)
    problems = PageErrors()
    phone = join(browser, live_url, code, "Ana", problems)
    assert console.send("workshop:start")["ok"]
    expect(phone.locator("#q-prompt")).to_have_text(FIRST)
    return console, phone, problems


def test_an_answer_one_character_too_long_is_refused_in_the_singular(
    browser, live_url: str
) -> None:
    from playwright.sync_api import expect

    console, phone, problems = _phone_on_the_first_question(browser, live_url)

    phone.locator("#answer-text").fill("x" * 1001)
    phone.locator("#send-answer").click()

    expect(phone.locator("#answer-error")).to_have_text(
        "Your answer is 1 character too long (the limit is 1000)."
    )
    phone.locator("#answer-text").fill("x" * 1003)
    phone.locator("#send-answer").click()
    expect(phone.locator("#answer-error")).to_have_text(
        "Your answer is 3 characters too long (the limit is 1000)."
    )
    console.close()
    assert problems.errors == []


# --------------------------------------------------------------------- focus


def test_joining_by_link_is_name_join_type_send(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Harbour Foods")
    console = live_console(live_url, facilitator, workshop_id)
    assert console.send("workshop:start")["ok"]
    problems = PageErrors()
    phone = new_phone(browser, problems)
    phone.goto(f"{live_url}/j/{code}")

    phone.get_by_label("Your name").fill("Ana")
    phone.get_by_role("button", name="Join", exact=True).click()
    expect(phone.locator("#q-prompt")).to_have_text(FIRST)
    phone.keyboard.type("Typed straight away")
    phone.locator("#send-answer").click()

    saved = phone.locator("#my-answers li[data-status=saved]")
    expect(saved).to_contain_text("Typed straight away")
    console.close()
    assert problems.errors == []


def _next_question(console: LiveClient, phone) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    assert console.send("workshop:next")["ok"]
    expect(phone.locator("#q-prompt")).to_have_text(SECOND)


def test_a_new_question_puts_the_focus_in_the_answer_box(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    console, phone, problems = _phone_on_the_first_question(browser, live_url)
    expect(phone.locator("#answer-text")).to_be_focused()
    phone.keyboard.type("First thought")
    phone.locator("#send-answer").click()
    expect(phone.locator("#my-answers li[data-status=saved]")).to_have_count(1)

    _next_question(console, phone)
    expect(phone.locator("#answer-text")).to_be_focused()
    console.close()
    assert problems.errors == []


def test_a_new_question_leaves_the_focus_of_someone_reading_or_selecting(
    browser, live_url: str
) -> None:
    from playwright.sync_api import expect

    console, phone, problems = _phone_on_the_first_question(browser, live_url)
    expect(phone.locator("#answer-text")).to_be_focused()

    # Reading: the person selected a line of the prompt to look at it again.
    phone.locator("#answer-text").blur()
    phone.locator("#q-prompt").select_text()
    _next_question(console, phone)
    expect(phone.locator("#answer-text")).not_to_be_focused()

    # Reading further down: the person scrolled to their earlier answers.
    phone.evaluate("getSelection().removeAllRanges()")
    for n in range(6):
        phone.locator("#answer-text").fill(f"A thought long enough to need some room, number {n}")
        phone.locator("#send-answer").click()
    expect(phone.locator("#my-answers li[data-status=saved]")).to_have_count(6)
    expect(phone.locator("#send-answer")).to_be_focused()  # the last thing tapped
    phone.locator("#my-answers li").last.scroll_into_view_if_needed()
    assert phone.evaluate("scrollY") > 40
    assert console.send("workshop:previous")["ok"]
    expect(phone.locator("#q-prompt")).to_have_text(FIRST)
    expect(phone.locator("#answer-text")).not_to_be_focused()
    console.close()
    assert problems.errors == []


# --------------------------------------------------------------------- hidden answers


def test_the_console_warns_when_a_hidden_answer_is_pinned(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Harbour Foods")
    socket = live_console(live_url, facilitator, workshop_id)
    ana = phone_client(live_url, code, workshop_id, "Ana")
    assert socket.send("workshop:start")["ok"]
    answer_from(ana, "Order pizza for lunch")
    answer_from(ana, "Reach the schools market")
    state = socket.send("console:join", {"workshop_id": workshop_id})["state"]
    pizza = next(a for a in state["answers"] if a["text"] == "Order pizza for lunch")
    assert socket.send("answer:hide", {"answer_id": pizza["id"], "hidden": True})["ok"]
    assert socket.send("workshop:synthesis")["ok"]

    page = logged_in(browser, live_url, facilitator).new_page()
    page.goto(f"{live_url}/workshops/{workshop_id}/console")
    field = page.locator("#syn-motivation")
    hidden = answer_card(field, "Order pizza for lunch")
    shown = answer_card(field, "Reach the schools market")
    shown.get_by_role("button", name="Pin", exact=True).click()
    expect(shown).to_have_attribute("data-pinned", "true")
    expect(shown.locator(".syn-hidden-pinned")).to_be_hidden()

    hidden.get_by_role("button", name="Pin", exact=True).click()

    expect(hidden).to_have_attribute("data-pinned", "true")
    warning = hidden.locator(".syn-hidden-pinned")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("This answer is hidden")
    expect(page.locator("#announcer")).to_contain_text("This answer is hidden")
    check_page(page, "console, a hidden answer pinned")

    # The facilitator's canvas page lists it, marked; on paper it is left out.
    canvas = page.context.new_page()
    canvas.goto(f"{live_url}/workshops/{workshop_id}/canvas")
    canvas.locator("#field-motivation .poster-sources summary").click()
    marked = canvas.locator("#field-motivation .is-hidden-source")
    expect(marked).to_contain_text("Order pizza for lunch")
    expect(marked).to_contain_text("Hidden")
    expect(canvas.locator("#field-motivation .poster-sources summary")).to_have_text(
        "Drawn from 1 answer, and 1 hidden"
    )
    canvas.emulate_media(media="print")
    expect(marked).to_be_hidden()
    sources = canvas.locator("#field-motivation .poster-sources")
    expect(sources.locator("li").filter(has_text="Reach the schools market")).to_be_visible()
    assert sources.locator("summary").inner_text() == "Drawn from 1 answer"  # as drawn
    ana.close()
    socket.close()
