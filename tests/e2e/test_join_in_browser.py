"""A phone joins over its socket: one page load, and the page becomes the live view in place."""

from __future__ import annotations

import time

import pytest

from tests.e2e.pages import PHONE
from tests.server.live_server import fresh_workshop, live_console

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_a_phone_joins_without_a_second_page_and_a_reload_keeps_it_in(
    browser, live_url: str
) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "One page in")
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    pages: list[tuple[str, str]] = []
    phone.on(
        "request",
        lambda r: pages.append((r.method, r.url)) if r.resource_type == "document" else None,
    )

    phone.goto(f"{live_url}/j/{code}")
    # The socket is up while the person types: joining is then one message.
    expect(phone.locator("#connection-status")).to_contain_text("Connected")
    expect(phone.locator("#phone-join")).to_be_visible()
    phone.get_by_label("Your name").fill("Ana")
    phone.get_by_role("button", name="Join", exact=True).click()

    expect(phone.locator("#phone-lobby")).to_be_visible()
    expect(phone.locator("#me-name")).to_have_text("Ana")
    expect(phone.locator("#phone-join")).to_be_hidden()
    expect(phone).to_have_url(f"{live_url}/j/{code}/live")
    assert pages == [("GET", f"{live_url}/j/{code}")], "joined with one page load, no post"
    # The form is gone: focus and the announcement say where the person is now.
    assert phone.evaluate("document.activeElement.id") == "main"
    expect(phone.locator("#announcer")).to_have_text("You have joined as Ana.")
    expect(phone.locator("#workshop-title")).to_be_visible()

    # The join set no cookie; a reload comes back as Ana with the token the phone kept.
    phone.reload()
    expect(phone.locator("#me-name")).to_have_text("Ana")
    expect(phone.locator("#connection-status")).to_contain_text("Connected")
    console = live_console(live_url, facilitator, workshop_id)
    try:
        ack = console.send("console:join", {"workshop_id": workshop_id})
        joined = ack["state"]["participants"]
        assert [(p["name"], p["connected"]) for p in joined] == [("Ana", True)]
    finally:
        console.close()

    # A kept token that names nobody (say, the workshop was moved) leads back to the form.
    phone.evaluate(f"localStorage.setItem('workshop:{workshop_id}:rejoin', 'WzEsMV0.stale')")
    phone.reload()
    expect(phone.locator("#phone-join")).to_be_visible()
    expect(phone).to_have_url(f"{live_url}/j/{code}")
    context.close()


def test_without_the_live_connection_the_form_still_joins(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    *_, code = fresh_workshop(live_url, "No socket here")
    context = browser.new_context(**PHONE)
    context.route("**/socket.io.min.js", lambda route: route.abort())
    phone = context.new_page()
    phone.goto(f"{live_url}/j/{code}")
    phone.get_by_label("Your name").fill("Ben")
    phone.get_by_role("button", name="Join", exact=True).click()
    # The form posted the ordinary way; the live page then says what is wrong.
    expect(phone).to_have_url(f"{live_url}/j/{code}/live")
    expect(phone.locator("#phone-error-text")).to_contain_text("could not load")
    context.close()


def test_join_anonymously_sends_no_name_even_if_one_was_typed(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, code = fresh_workshop(live_url, "Nameless")
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.goto(f"{live_url}/j/{code}")
    expect(phone.locator("#connection-status")).to_contain_text("Connected")
    phone.get_by_label("Your name").fill("Ana")
    phone.get_by_role("button", name="Join anonymously").click()
    expect(phone.locator("#me-name")).to_have_text("Anonymous")
    console = live_console(live_url, facilitator, workshop_id)
    try:
        ack = console.send("console:join", {"workshop_id": workshop_id})
        assert [p["name"] for p in ack["state"]["participants"]] == ["Anonymous"]
    finally:
        console.close()
    context.close()


def test_before_the_socket_is_up_the_form_posts_instead(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    *_, code = fresh_workshop(live_url, "Slow Wi-Fi")
    context = browser.new_context(**PHONE)
    # The client script loads, but its connection never opens.
    context.route(lambda url: "/socket.io/?" in url, lambda route: route.abort())
    phone = context.new_page()
    posts: list[str] = []
    phone.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    phone.goto(f"{live_url}/j/{code}")
    phone.get_by_label("Your name").fill("Cleo")
    phone.get_by_role("button", name="Join", exact=True).click()
    # Not left waiting on a connection: the person is in, through the form's post.
    expect(phone).to_have_url(f"{live_url}/j/{code}/live")
    assert posts == [f"{live_url}/j/{code}"]
    expect(phone.locator("#connecting-name")).to_contain_text("Cleo")
    # The client script was there all along (deferred, so polled); only its connection was cut.
    # (evaluate, not wait_for_function: the page's CSP forbids the eval that one polls with)
    deadline = time.monotonic() + 5
    while phone.evaluate("typeof io") != "function" and time.monotonic() < deadline:
        phone.wait_for_timeout(50)
    assert phone.evaluate("typeof io") == "function"
    context.close()
