"""The phone's small rules, run in the browser as live.js exports them: how long an
answer waits after a refusal that will pass, and when a new question may take the focus."""

from __future__ import annotations

import pytest

from tests.e2e.pages import STATIC

pytestmark = pytest.mark.browser

ORIGIN = "http://workshop.test"
PAGE = """<!doctype html><title>Rules</title><body>
<main id="main" tabindex="-1"><form id="answer-form"><textarea id="answer-text"></textarea></form>
<button id="send" form="answer-form">Send</button><input id="elsewhere"></main></body>"""


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context()

    def serve(route) -> None:  # type: ignore[no-untyped-def]
        path = route.request.url.removeprefix(ORIGIN)
        if path.startswith("/static/"):
            route.fulfill(
                path=str(STATIC / path.removeprefix("/static/")), content_type="text/javascript"
            )
        else:
            route.fulfill(body=PAGE, content_type="text/html")

    context.route(f"{ORIGIN}/**", serve)
    page = context.new_page()
    page.goto(f"{ORIGIN}/")
    page.evaluate("async () => { window.live = await import('/static/js/live.js'); }")
    yield page
    context.close()


def delay(page, error: dict, attempt: int, random: float) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "([error, attempt, r]) => live.retryDelay(error, attempt, () => r)",
        [error, attempt, random],
    )


def test_a_refusal_with_retry_after_waits_that_long(page) -> None:  # type: ignore[no-untyped-def]
    refused = {"code": "rate_limited", "details": {"retry_after": 2.5}}
    assert delay(page, refused, 1, 0) == 2500
    assert 2500 <= delay(page, refused, 7, 0.99) <= 3000


def test_without_retry_after_the_wait_doubles_up_to_fifteen_seconds(page) -> None:  # type: ignore[no-untyped-def]
    unavailable = {"code": "unavailable"}
    middle = [delay(page, unavailable, n, 0.5) for n in (1, 2, 3, 4, 5, 6)]
    assert middle == [1000, 2000, 4000, 8000, 15000, 15000]
    # Spread a quarter either way, so a room refused together comes back apart.
    assert delay(page, unavailable, 1, 0) == 750 and delay(page, unavailable, 1, 0.999) == 1250


def test_both_new_codes_are_retried(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("['rate_limited', 'unavailable'].every((c) => live.RETRYABLE.has(c))")
    assert not page.evaluate("live.RETRYABLE.has('closed')")


MAY_TAKE = """([focus, selected, scrollY]) => {
  const box = document.getElementById("answer-text");
  const form = document.getElementById("answer-form");
  const active = focus ? document.getElementById(focus) : document.body;
  return live.mayTakeFocus(box, form, { active, selected, scrollY });
}"""


@pytest.mark.parametrize(
    ("focus", "selected", "scroll", "allowed"),
    [
        (None, False, 0, True),  # nothing focused
        ("main", False, 0, True),  # where a join from the form lands
        ("send", False, 0, True),  # the Send button, outside the form, of the form
        ("answer-text", False, 600, True),  # typing, scrolled by the phone's keyboard
        ("elsewhere", False, 0, False),  # typing in another field
        (None, True, 0, False),  # text selected to be read
        (None, False, 600, False),  # scrolled down to read
        ("send", False, 600, False),  # tapped Send, then scrolled away to read
    ],
)
def test_a_new_question_takes_the_focus_only_from_someone_not_busy(
    page, focus: str | None, selected: bool, scroll: int, allowed: bool
) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate(MAY_TAKE, [focus, selected, scroll]) is allowed
