"""What the browser tests share: a phone's browser context, a collector of page errors,
signing a facilitator up, joining a workshop from a phone, and the screenshots and
accessibility checks taken of every screen at each key step."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

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
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}

STATIC = Path(__file__).resolve().parents[2] / "static"
# How long live.js waits for a missing change number before it resyncs: read from
# live.js, so the tests follow the product.
_GRACE = re.search(r"const GAP_GRACE_MS = (\d+);", (STATIC / "js" / "live.js").read_text())
assert _GRACE, "live.js no longer declares GAP_GRACE_MS"
GAP_GRACE_MS = int(_GRACE.group(1))

# Set to 1 to have the whole-workshop test refresh the screenshots in docs/screenshots/.
DOCS_SCREENSHOTS_ENV = "WORKSHOP_DOCS_SCREENSHOTS"
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


class PageErrors:
    """Collects script errors and CSP violations from every page it watches."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page) -> None:  # type: ignore[no-untyped-def]
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page, message) -> None:  # type: ignore[no-untyped-def]
        if message.type != "error":
            return
        # The page itself answered with an error status (a join refused with 409, say):
        # the test reads that page, and this Chromium also logs it as a console error.
        # A script, style or image that fails to load is still an error.
        failed_load = message.text.startswith("Failed to load resource")
        if failed_load and (message.location or {}).get("url") == page.url:
            return
        self.errors.append(f"{page.url}: {message.text}")


def sign_up(page, before_submit: Callable[[], None] | None = None) -> None:  # type: ignore[no-untyped-def]
    """From the login page: create Fran Facilitator's account and team.

    `before_submit` runs once the form is filled in (to take a screenshot of it, say)."""
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Fran Facilitator")
    page.get_by_label("E-mail address").fill("fran@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_label("Team name").fill("Harbour partnerships")
    if before_submit:
        before_submit()
    page.get_by_role("button", name="Create account").click()


def new_phone(browser, problems: PageErrors):  # type: ignore[no-untyped-def]
    """A page in a fresh phone's browser context (its own cookies), watched for errors."""
    phone = browser.new_context(**PHONE).new_page()
    problems.watch(phone)
    return phone


def enter_code(
    phone,  # type: ignore[no-untyped-def]
    live_url: str,
    code: str,
    before_continue: Callable[[], None] | None = None,
) -> None:
    """Type the workshop code on the home page, key by key, and go on to the name form.

    `before_continue` runs once the code is typed in."""
    from playwright.sync_api import expect

    phone.goto(live_url + "/")
    phone.get_by_label("Workshop code").press_sequentially(code)
    if before_continue:
        before_continue()
    phone.get_by_role("button", name="Continue").tap()
    expect(phone.get_by_role("button", name="Join anonymously")).to_be_visible()


def give_name(phone, name: str | None) -> None:  # type: ignore[no-untyped-def]
    """On the join form: join by name, or anonymously if None; wait for the lobby."""
    from playwright.sync_api import expect

    if name:
        phone.get_by_label("Your name").fill(name)
        phone.get_by_role("button", name="Join", exact=True).tap()
    else:
        phone.get_by_role("button", name="Join anonymously").tap()
    expect(phone.locator("#phone-lobby")).to_be_visible()


def join(browser, live_url: str, code: str, name: str | None, problems: PageErrors):  # type: ignore[no-untyped-def]
    """A new phone types the code on the home page and joins by name (anonymously if None)."""
    phone = new_phone(browser, problems)
    enter_code(phone, live_url, code)
    give_name(phone, name)
    return phone


def send_answer(phone, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type an answer on a phone, tap Send, and wait until the server has saved it."""
    from playwright.sync_api import expect

    phone.locator("#answer-text").fill(text)
    phone.locator("#send-answer").tap()
    mine = phone.locator("#my-answers li").filter(has_text=text)
    expect(mine).to_contain_text("Saved")


def answer_card(field, text: str):  # type: ignore[no-untyped-def]
    """The card of one answer in a field of the synthesis (its own text, not a menu's)."""
    return field.locator(".syn-answer").filter(
        has=field.page.locator(".syn-answer-text").filter(
            has_text=re.compile(f"^{re.escape(text)}$")
        )
    )


class Screens:
    """Every screen in the room, captured together at each key step of a workshop.

    `capture(step, console=..., projector=...)` saves `NN-step-screen.png` for each
    screen in `folder` and runs the accessibility check on it."""

    def __init__(self, folder: Path, check: Callable[[Any, str], None]) -> None:
        self.folder = folder
        for stale in folder.glob("*.png"):  # from an earlier run
            stale.unlink()
        self.check = check
        self.steps = 0
        self.saved: dict[str, Path] = {}

    def capture(self, step: str, full_page: bool = False, **screens: Any) -> None:
        self.steps += 1
        for screen, page in screens.items():
            name = f"{step}-{screen.replace('_', '-')}"
            path = self.folder / f"{self.steps:02d}-{name}.png"
            page.screenshot(path=path, full_page=full_page, animations="disabled")
            self.saved[name] = path
            self.check(page, f"{step}, {screen}")

    def publish(self, chosen: Mapping[str, str]) -> None:
        """Copy chosen screenshots to docs/screenshots/ when WORKSHOP_DOCS_SCREENSHOTS=1.

        `chosen` maps a captured `step-screen` name to the file name in the docs. The
        copies are reduced to 256 colours (no dithering), a third of the size and no
        visible change for these flat pages; without pillow they are copied as they are."""
        if os.environ.get(DOCS_SCREENSHOTS_ENV) != "1":
            return
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, target in chosen.items():
            source, copy = self.saved[name], DOCS_SCREENSHOTS / target
            try:
                from PIL import Image
            except ImportError:
                shutil.copyfile(source, copy)
                continue
            with Image.open(source) as image:
                small = image.convert("RGB").quantize(
                    colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
                )
                small.save(copy, "PNG", optimize=True)


@contextlib.contextmanager
def phone_gone_offline(browser, tmp_path: Path, database: str, title: str):  # type: ignore[no-untyped-def]
    """Yield (console, phone, problems): a workshop on a server of its own, started, with
    Ana's phone on the first question that has then walked out of Wi-Fi range."""
    from playwright.sync_api import expect

    from tests.server.live_server import fresh_workshop, live_console, running_server

    with running_server(tmp_path, "threading", database_url=database) as url:
        facilitator, workshop_id, code = fresh_workshop(url, title)
        console = live_console(url, facilitator, workshop_id)
        problems = PageErrors()
        phone = join(browser, url, code, "Ana", problems)
        assert console.send("workshop:start")["ok"]
        expect(phone.locator("#q-prompt")).to_have_text("What does partnering mean for us?")
        # The server stays up; only the phone loses its network.
        phone.context.set_offline(True)
        expect(phone.locator("#connection-status")).to_have_attribute("data-state", "offline")
        yield console, phone, problems


def console_and_projector(browser, url: str, facilitator, workshop_id: int):  # type: ignore[no-untyped-def]
    """Open the facilitator's console in a browser signed in as `facilitator` (a requests
    session), and the workshop's projector page; return both pages."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_cookies(
        [{"name": c.name, "value": c.value or "", "url": url} for c in facilitator.cookies]
    )
    console = context.new_page()
    console.goto(f"{url}/workshops/{workshop_id}/console")
    html = facilitator.get(f"{url}/workshops/{workshop_id}/console", timeout=5).text
    token = html.split("/screen/", 1)[1].split('"', 1)[0]
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(f"{url}/screen/{token}")
    return console, projector
