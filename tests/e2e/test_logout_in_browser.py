"""Logging out in one tab closes the console open in another, and it says why."""

from __future__ import annotations

import re

import pytest

from tests.e2e.pages import LAPTOP, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_logging_out_closes_the_console_in_another_tab(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    laptop = browser.new_context(**LAPTOP)
    console = laptop.new_page()
    console.goto(live_url + "/login?next=/workshops/new")
    expect(console.get_by_label("Keep me logged in on this device")).not_to_be_checked()
    sign_up(console)
    console.get_by_label("Workshop title").fill("Closed at logout")
    console.get_by_role("button", name="Create workshop").click()
    expect(console.locator("#connection-status")).to_contain_text("Connected")

    other_tab = laptop.new_page()
    other_tab.goto(live_url + "/workshops/")
    other_tab.get_by_role("button", name="Log out").click()
    expect(other_tab).to_have_url(re.compile(r"/$"))

    expect(console.locator("#console-fatal")).to_have_text("You logged out. Log in again to go on.")
    console.reload()
    expect(console).to_have_url(re.compile("/login"))
    laptop.close()
