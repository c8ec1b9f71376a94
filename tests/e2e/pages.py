"""What the browser tests share: a phone's browser context, a collector of page errors,
signing a facilitator up and joining a workshop from a phone."""

from __future__ import annotations

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "user_agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    ),
}


class PageErrors:
    """Collects script errors and CSP violations from every page it watches."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page) -> None:  # type: ignore[no-untyped-def]
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"{page.url}: {message.text}")
                if message.type == "error"
                else None
            ),
        )


def sign_up(page) -> None:  # type: ignore[no-untyped-def]
    """From the login page: create Fran Facilitator's account and team."""
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Fran Facilitator")
    page.get_by_label("E-mail address").fill("fran@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_label("Team name").fill("Harbour partnerships")
    page.get_by_role("button", name="Create account").click()


def join(browser, live_url: str, code: str, name: str | None, problems: PageErrors):  # type: ignore[no-untyped-def]
    """A new phone types the code on the home page and joins by name (anonymously if None)."""
    from playwright.sync_api import expect

    phone = browser.new_context(**PHONE).new_page()
    problems.watch(phone)
    phone.goto(live_url + "/")
    phone.get_by_label("Workshop code").fill(code)
    phone.get_by_role("button", name="Continue").click()
    if name:
        phone.get_by_label("Your name").fill(name)
        phone.get_by_role("button", name="Join", exact=True).click()
    else:
        phone.get_by_role("button", name="Join anonymously").click()
    expect(phone.locator("#phone-lobby")).to_be_visible()
    return phone
