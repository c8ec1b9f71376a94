"""An answer typed while the server is down waits on the phone and arrives exactly once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.axe import check_page
from tests.e2e.pages import PageErrors, join
from tests.server.live_server import fresh_workshop, live_console
from tests.server.test_restart import Server

pytestmark = [pytest.mark.browser, pytest.mark.server]


def _stored(database: str, text: str) -> int:
    if database.startswith("sqlite"):
        with sqlite3.connect(database.removeprefix("sqlite:///")) as connection:
            return connection.execute(
                "SELECT count(*) FROM answers WHERE text = ?", (text,)
            ).fetchone()[0]
    import psycopg

    with psycopg.connect(database.replace("+psycopg", "")) as connection:
        return connection.execute(
            "SELECT count(*) FROM answers WHERE text = %s", (text,)
        ).fetchone()[0]


def test_an_answer_sent_while_offline_arrives_once_the_phone_is_back(
    browser, tmp_path: Path, database_url
) -> None:
    from playwright.sync_api import expect

    database = database_url(tmp_path)
    server = Server(tmp_path, database)
    server.start()
    try:
        facilitator, workshop_id, code = fresh_workshop(server.url, "Bad Wi-Fi")
        console = live_console(server.url, facilitator, workshop_id)

        phone = join(browser, server.url, code, "Ana", PageErrors())
        assert console.send("workshop:start")["ok"]
        console.close()
        expect(phone.locator("#q-prompt")).to_have_text("What does partnering mean for us?")
        check_page(phone, "phone, a question")

        server.kill()  # the venue's Wi-Fi drops, or the server restarts
        expect(phone.locator("#connection-status")).not_to_have_attribute("data-state", "connected")
        phone.locator("#answer-text").fill("Typed in the dark")
        phone.locator("#send-answer").click()
        mine = phone.locator("#my-answers li.my-answer")
        expect(mine).to_have_count(1)
        expect(mine.first).to_have_attribute("data-status", "waiting")
        assert _stored(database, "Typed in the dark") == 0
        # Waiting is said in words, with an icon, next to the answer and under Send.
        expect(mine.first).to_contain_text("Waiting for connection")
        expect(phone.locator("#send-status")).to_contain_text("will be sent automatically")
        check_page(phone, "phone, offline with an answer waiting")

        server.start()
        expect(phone.locator("#connection-status")).to_have_attribute(
            "data-state", "connected", timeout=20_000
        )
        expect(mine.first).to_have_attribute("data-status", "saved", timeout=20_000)
        expect(mine).to_have_count(1)
        check_page(phone, "phone, back online, the answer saved")
        phone.reload()  # and after a reload it is still there, once
        expect(phone.locator("#my-answers li.my-answer")).to_have_count(1)
        assert _stored(database, "Typed in the dark") == 1
        phone.context.close()
    finally:
        server.stop()


def test_a_value_added_while_the_console_is_offline_lands_once_it_is_back(
    browser, tmp_path: Path, database_url
) -> None:
    from playwright.sync_api import expect

    server = Server(tmp_path, database_url(tmp_path))
    server.start()
    try:
        facilitator, workshop_id, _ = fresh_workshop(server.url, "Bad Wi-Fi")
        remote = live_console(server.url, facilitator, workshop_id)
        assert remote.send("workshop:start")["ok"]
        assert remote.send("workshop:synthesis")["ok"]
        remote.close()
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.add_cookies(
            [{"name": c.name, "value": c.value, "url": server.url} for c in facilitator.cookies]
        )
        console = context.new_page()
        # Only script errors: the refused connections while the server is down are logged too.
        errors: list[str] = []
        console.on("pageerror", lambda error: errors.append(str(error)))
        console.goto(f"{server.url}/workshops/{workshop_id}/console")
        status = console.locator("#connection-status")
        expect(status).to_have_attribute("data-state", "connected")
        ours = console.locator("[data-facet=ours]")

        server.kill()
        expect(status).not_to_have_attribute("data-state", "connected")
        box = console.get_by_label("Add to Our values")
        box.fill("Honesty")
        box.press("Enter")
        # Said in words under the list; the text is not lost, and not yet saved.
        expect(ours.locator(".control-error")).to_contain_text("added once the connection is back")
        expect(ours.locator(".value-text")).to_have_count(0)

        server.start()
        expect(status).to_have_attribute("data-state", "connected", timeout=20_000)
        expect(ours.locator(".value-text")).to_have_text(["Honesty"], timeout=20_000)
        expect(ours.locator(".control-error")).to_be_hidden()
        console.reload()  # the server has it, once
        expect(console.locator("[data-facet=ours] .value-text")).to_have_text(["Honesty"])
        context.close()
        assert errors == []
    finally:
        server.stop()
