"""A phone's outbox: answers typed offline wait, survive a reload, and arrive once each,
even when there are more of them than the server takes at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.pages import phone_gone_offline
from tests.e2e.test_offline_in_browser import _stored

pytestmark = [pytest.mark.browser, pytest.mark.server]

# More than the ten answers in ten seconds the server takes from one phone.
TYPED = [f"Idea number {n} from the basement" for n in range(1, 13)]


def test_twelve_answers_typed_offline_all_arrive_once_through_the_limit_and_a_reload(
    browser, tmp_path: Path, database_url
) -> None:
    from playwright.sync_api import expect

    database = database_url(tmp_path)
    with phone_gone_offline(browser, tmp_path, database, "Deep basement") as (
        console,
        phone,
        problems,
    ):
        for text in TYPED:
            phone.locator("#answer-text").fill(text)
            phone.locator("#send-answer").click()
        mine = phone.locator("#my-answers li.my-answer")
        expect(mine).to_have_count(12)
        expect(phone.locator('#my-answers li[data-status="waiting"]')).to_have_count(12)

        # Back in range: ten go through at once, the rest are held back by the limit.
        phone.context.set_offline(False)
        saved = phone.locator('#my-answers li[data-status="saved"]')
        expect(saved).to_have_count(10, timeout=20_000)
        # The phone's browser is closed and opened again before the last two went out.
        phone.reload()
        expect(phone.locator("#connection-status")).to_have_attribute("data-state", "connected")
        expect(saved).to_have_count(12, timeout=40_000)
        expect(phone.locator('#my-answers li[data-status="error"]')).to_have_count(0)
        assert [_stored(database, text) for text in TYPED] == [1] * 12
        console.close()
        phone.context.close()
    assert [e for e in problems.errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
