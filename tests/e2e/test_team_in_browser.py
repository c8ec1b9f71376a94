"""The team page asks before it removes a member: a removal closes their consoles at once."""

from __future__ import annotations

import re

import pytest
import requests

from tests.e2e.pages import PageErrors
from tests.e2e.test_accessibility_in_browser import logged_in
from tests.server.live_server import csrf_token, post_form, signed_up_facilitator

pytestmark = [pytest.mark.browser, pytest.mark.server]


def _team_with_a_colleague(url: str) -> tuple[requests.Session, int]:
    """Sign up an owner and have Cole join their team by invite; return the owner, team id."""
    owner = signed_up_facilitator(url, "Fran")
    dashboard = owner.get(f"{url}/workshops/", timeout=5).text
    team_id = int(re.search(r'href="/teams/(\d+)"', dashboard)[1])
    page = owner.get(f"{url}/teams/{team_id}", timeout=5).text
    made = owner.post(
        f"{url}/teams/{team_id}/invites", data={"csrf_token": csrf_token(page)}, timeout=5
    )
    invite = re.search(r'class="invite-link" href="([^"]+)"', made.text)[1]
    assert post_form(signed_up_facilitator(url, "Cole"), invite, {}).status_code == 302
    return owner, team_id


def test_removing_a_member_asks_first_and_keeps_them_when_the_owner_says_no(
    browser, live_url: str
) -> None:
    from playwright.sync_api import expect

    owner, team_id = _team_with_a_colleague(live_url)
    problems = PageErrors()
    page = logged_in(browser, live_url, owner).new_page()
    problems.watch(page)
    page.goto(f"{live_url}/teams/{team_id}")
    members = page.locator("#member-list li")
    expect(members).to_have_count(2)
    asked: list[str] = []

    def answer(dialog, accept: bool) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Remove Cole").click()
    assert asked and asked[0].startswith("Remove Cole from Team?")
    expect(members).to_have_count(2)

    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Remove Cole").click()
    expect(members).to_have_count(1)
    expect(page.get_by_role("status")).to_contain_text("no longer a member")
    assert problems.errors == []
