"""A console that missed a message (a gap in the sequence) takes a fresh snapshot by itself."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import requests

from tests.e2e.axe import check_page
from tests.e2e.pages import GAP_GRACE_MS
from tests.server.live_server import LiveClient, create_workshop, post_form, signed_up_facilitator

pytestmark = [pytest.mark.browser, pytest.mark.server]


def _skip_sequence_numbers(database: str, workshop_id: int) -> None:
    """Make the next broadcast look as if three messages had been lost on the way."""
    if database.startswith("sqlite"):
        with sqlite3.connect(database.removeprefix("sqlite:///")) as connection:
            connection.execute("UPDATE workshops SET seq = seq + 3 WHERE id = ?", (workshop_id,))
    else:
        import psycopg

        with psycopg.connect(database.replace("+psycopg", "")) as connection:
            connection.execute("UPDATE workshops SET seq = seq + 3 WHERE id = %s", (workshop_id,))


def test_a_gap_in_the_sequence_makes_the_console_resync(
    browser, tmp_path: Path, database_url
) -> None:
    from playwright.sync_api import expect

    from tests.server.live_server import running_server

    database = database_url(tmp_path)
    with running_server(tmp_path, "threading", database_url=database) as url:
        facilitator = signed_up_facilitator(url)
        workshop_id = create_workshop(url, facilitator, "Gaps")
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.add_cookies(
            [{"name": c.name, "value": c.value, "url": url} for c in facilitator.cookies]
        )
        console = context.new_page()
        console.goto(f"{url}/workshops/{workshop_id}/console")
        expect(console.locator("#connection-status")).to_contain_text("Connected")
        code = console.locator("#join-code").inner_text().strip()

        phone_browser = requests.Session()
        post_form(phone_browser, f"{url}/j/{code}", {"name": "Ana", "submit": "Join"})
        phone = LiveClient(url, phone_browser)
        phone.connect()
        question = phone.send("phone:join", {"workshop_id": workshop_id})
        console.locator("#btn-start").click()
        question_id = phone.wait_for("state")[-1]["question"]["id"]
        phone.send("answer:submit", {"question_id": question_id, "text": "First idea"})
        expect(console.locator("#current-answers")).to_contain_text("First idea")
        # Messages from different server threads may overtake one another (the
        # console's `state` after Start is slower to build than the answer that
        # follows it): past the grace period for a late number, no resync was needed.
        console.wait_for_timeout(GAP_GRACE_MS + 500)
        assert console.locator("body").get_attribute("data-resyncs") is None
        check_page(console, "console, a question with an answer")

        _skip_sequence_numbers(database, workshop_id)
        phone.send("answer:submit", {"question_id": question_id, "text": "After the gap"})

        expect(console.locator("body")).to_have_attribute("data-resyncs", "1")
        expect(console.locator("#current-answers")).to_contain_text("After the gap")
        expect(console.locator("#current-answers")).to_contain_text("First idea")
        check_page(console, "console, after a resync")
        phone.close()
        context.close()
        assert question["ok"]
