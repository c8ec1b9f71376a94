"""A slow acknowledgement never pulls the facilitator's focus back from where they went.

The server's messages to the console are held (Playwright routes the page's
WebSocket) while the facilitator adds a value and moves on to the next list,
so the order is the same on every run: CI once lost a partner value because
the first list took the focus back, and the Enter meant for the second list
went to the first.
"""

from __future__ import annotations

import re

import pytest

from tests.server.live_server import fresh_workshop, live_console

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_adding_a_value_leaves_the_focus_where_the_facilitator_moved_it(
    browser, live_url: str
) -> None:
    from playwright.sync_api import expect

    facilitator, workshop_id, _ = fresh_workshop(live_url, "Quick hands")
    remote = live_console(live_url, facilitator, workshop_id)
    assert remote.send("workshop:start")["ok"]
    assert remote.send("workshop:synthesis")["ok"]
    remote.close()

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_cookies(
        [{"name": c.name, "value": c.value, "url": live_url} for c in facilitator.cookies]
    )
    sockets: list = []
    held: list = []
    holding = [False]

    def route(ws) -> None:  # type: ignore[no-untyped-def]
        server = ws.connect_to_server()
        sockets.append(ws)
        server.on_message(lambda message: held.append(message) if holding[0] else ws.send(message))

    context.route_web_socket(re.compile(r".*/socket\.io/.*"), route)
    console = context.new_page()
    errors: list[str] = []
    console.on("pageerror", lambda error: errors.append(str(error)))
    console.goto(f"{live_url}/workshops/{workshop_id}/console")
    expect(console.locator("#connection-status")).to_have_attribute("data-state", "connected")
    ours = console.get_by_label("Add to Our values")
    shared = console.get_by_label("Add to Values a partner must share")
    expect(ours).to_be_visible()
    console.wait_for_function("document.body.dataset.connection === 'connected'")
    console.wait_for_timeout(1000)  # past the upgrade from polling to the WebSocket
    assert sockets, "the console's socket.io connection did not go over a WebSocket"

    holding[0] = True
    ours.fill("Honesty")
    ours.press("Enter")
    shared.fill("Open books")  # the facilitator moves on before the first is acknowledged
    holding[0] = False
    for message in held:
        sockets[-1].send(message)

    expect(console.locator("[data-facet=ours] .value-text")).to_have_text(["Honesty"])
    expect(shared).to_be_focused()
    shared.press("Enter")
    expect(console.locator("[data-facet=shared] .value-text")).to_have_text(["Open books"])
    expect(console.locator("[data-facet=ours] .value-text")).to_have_text(["Honesty"])
    context.close()
    assert errors == []
