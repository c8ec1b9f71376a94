"""A phone that loses its cookie comes back as the same person, from its localStorage token."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.axe import check_page
from tests.e2e.pages import PHONE
from tests.server.live_server import fresh_workshop

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_a_phone_without_its_cookie_rejoins_as_the_same_person(browser, live_url: str) -> None:
    from playwright.sync_api import expect

    *_, code = fresh_workshop(live_url, "Cookies come and go")

    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.goto(f"{live_url}/j/{code}")
    check_page(phone, "phone, join")
    phone.get_by_label("Your name").fill("Ana")
    phone.get_by_role("button", name="Join", exact=True).click()
    expect(phone.locator("#phone-lobby")).to_be_visible()
    expect(phone.locator("#me-name")).to_contain_text("Ana")
    check_page(phone, "phone, lobby")

    context.clear_cookies()
    phone.goto(f"{live_url}/j/{code}")

    expect(phone).to_have_url(f"{live_url}/j/{code}/live")
    expect(phone.locator("#me-name")).to_contain_text("Ana")
    expect(phone.locator("#connection-status")).to_contain_text("Connected")
    check_page(phone, "phone, back in the lobby after rejoining")
    assert requests.get(f"{live_url}/", timeout=5).status_code == 200
    context.close()
