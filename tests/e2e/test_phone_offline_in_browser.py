"""A phone loses its network, its user types an answer, the network comes back: saved once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.axe import check_page
from tests.e2e.pages import phone_gone_offline
from tests.e2e.test_offline_in_browser import _stored

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_an_answer_typed_on_a_phone_without_network_arrives_once_it_is_back(
    browser, tmp_path: Path, database_url
) -> None:
    from playwright.sync_api import expect

    database = database_url(tmp_path)
    with phone_gone_offline(browser, tmp_path, database, "Lost in the basement") as (
        console,
        phone,
        problems,
    ):
        phone.locator("#answer-text").fill("Typed with no bars")
        phone.locator("#send-answer").click()
        mine = phone.locator("#my-answers li.my-answer")
        expect(mine).to_have_count(1)
        expect(mine.first).to_have_attribute("data-status", "waiting")
        expect(mine.first).to_contain_text("Waiting for connection")
        check_page(phone, "phone, no network, an answer waiting")
        assert _stored(database, "Typed with no bars") == 0

        phone.context.set_offline(False)
        expect(phone.locator("#connection-status")).to_have_attribute(
            "data-state", "connected", timeout=20_000
        )
        expect(mine.first).to_have_attribute("data-status", "saved", timeout=20_000)
        arrived = console.wait_for("answer")
        assert [a["answer"]["text"] for a in arrived] == ["Typed with no bars"]
        assert _stored(database, "Typed with no bars") == 1

        # A reload (the phone's browser was closed meanwhile) sends nothing twice.
        phone.reload()
        expect(phone.locator("#connection-status")).to_have_attribute("data-state", "connected")
        expect(phone.locator("#my-answers li.my-answer")).to_have_count(1)
        assert _stored(database, "Typed with no bars") == 1
        console.close()
        phone.context.close()
    # The page's own disconnect while offline is expected; nothing else may go wrong.
    assert [e for e in problems.errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
