"""live.js keeps the room's picture right when messages overtake one another.

Each change is published by the thread that made it, so a slow `state` (the
console's snapshot of a big room) can arrive after the delta of a later
change, and a delta can arrive before the one numbered just below it. Here
live.js runs in the real browser against a scripted socket, so each order is
played exactly, every time.
"""

from __future__ import annotations

import pytest

from tests.e2e.pages import GAP_GRACE_MS, STATIC

pytestmark = pytest.mark.browser

ORIGIN = "http://workshop.test"
BLANK_PAGE = "<!doctype html><title>Messages in order</title><body></body>"

# A socket.io client stand-in: the test fires server events and answers joins.
FAKE_SOCKET = """
window.joins = [];
window.joinSeq = 5;
const handlers = {};
const socket = {
  connected: true,
  active: true,
  io: { on() {} },
  on(event, fn) { (handlers[event] ||= []).push(fn); },
  connect() {},
  timeout() {
    return {
      emit(event, payload, ack) {
        window.joins.push(event);
        const state = { workshop: { seq: window.joinSeq, server_time: Date.now() } };
        setTimeout(() => ack(null, { ok: true, state }), 0);
      },
    };
  },
};
window.fire = (event, payload) => (handlers[event] || []).forEach((fn) => fn(payload));
globalThis.io = () => socket;
"""

START = """
async () => {
  const { connectLive } = await import("/static/js/live.js");
  window.seen = [];
  const live = connectLive({
    joinEvent: "console:join",
    joinPayload: {},
    onJoined: (ack) => window.seen.push(["snapshot", ack.state.workshop.seq]),
  });
  live.on("state", (state) => window.seen.push(["state", state.workshop.seq]));
  live.on("answer", (message) => window.seen.push(["answer", message.seq ?? message.order]));
  window.fire("connect");
}
"""


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context()

    def serve(route) -> None:  # type: ignore[no-untyped-def]
        path = route.request.url.removeprefix(ORIGIN)
        if path.startswith("/static/"):
            route.fulfill(
                path=str(STATIC / path.removeprefix("/static/")),
                content_type="text/javascript",
            )
        else:
            route.fulfill(body=BLANK_PAGE, content_type="text/html")

    context.route(f"{ORIGIN}/**", serve)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(FAKE_SOCKET)
    page.goto(f"{ORIGIN}/")
    page.evaluate(START)
    page.wait_for_function("window.seen.length === 1")
    yield page
    context.close()
    assert errors == []


def fire(page, event: str, payload: dict) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("([event, payload]) => window.fire(event, payload)", [event, payload])


def state(seq: int) -> dict:
    return {"workshop": {"seq": seq, "server_time": 10**13 + seq}}


def seen(page) -> list[list]:  # type: ignore[no-untyped-def]
    return page.evaluate("window.seen")


def resyncs(page) -> str | None:  # type: ignore[no-untyped-def]
    return page.locator("body").get_attribute("data-resyncs")


def test_a_delta_that_overtook_a_slower_snapshot_is_applied_again_on_top_of_it(page) -> None:
    fire(page, "answer", {"seq": 7})
    fire(page, "state", state(6))
    assert seen(page) == [["snapshot", 5], ["answer", 7], ["state", 6], ["answer", 7]]
    # The projector's answers are ordered by `order`, without being counted.
    fire(page, "answer", {"order": 9})
    fire(page, "state", state(8))
    assert seen(page)[-2:] == [["state", 8], ["answer", 9]]
    page.wait_for_timeout(GAP_GRACE_MS + 500)
    assert resyncs(page) is None
    assert page.evaluate("window.joins") == ["console:join"]


def test_numbers_that_arrive_out_of_order_within_the_grace_need_no_resync(page) -> None:
    fire(page, "answer", {"seq": 8})
    fire(page, "answer", {"seq": 7})
    page.wait_for_timeout(300)
    fire(page, "answer", {"seq": 6})
    page.wait_for_timeout(GAP_GRACE_MS + 500)
    assert resyncs(page) is None
    # Only a snapshot reapplies deltas; the three arrived once each.
    assert [entry[1] for entry in seen(page)[1:]] == [8, 7, 6]


def test_a_hole_that_stays_open_brings_a_fresh_snapshot(page) -> None:
    from playwright.sync_api import expect

    page.evaluate("window.joinSeq = 9")
    fire(page, "answer", {"seq": 9})  # 6, 7 and 8 never come
    assert resyncs(page) is None  # not at once: they may still be on the way
    expect(page.locator("body")).to_have_attribute("data-resyncs", "1")
    page.wait_for_function("window.joins.length === 2")
    page.wait_for_function("window.seen.length === 3")
    # The fresh snapshot covers 9; the answer is applied on top of it only if newer.
    assert seen(page) == [["snapshot", 5], ["answer", 9], ["snapshot", 9]]
