"""The unit tests of static/js's pure ES-module cores (tests/js/*.test.js), run in Chromium.

The repository is served as it is (no build step) by a local HTTP server, and
tests/js/runner.html runs one test file per pytest test: a new file in
tests/js is picked up on its own. A failing unit test, or any console error or
page error (a module that fails to load, say), fails that file's test.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error

ROOT = Path(__file__).resolve().parents[2]
UNIT_FILES = sorted((ROOT / "tests" / "js").glob("*.test.js"))
TIMEOUT_MS = 30_000

pytestmark = pytest.mark.browser


class _StaticFiles(SimpleHTTPRequestHandler):
    """Serves the repository, quietly, with the types the browser insists on for modules."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".html": "text/html; charset=utf-8",
        ".css": "text/css",
    }

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def static_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_StaticFiles, directory=str(ROOT)))
    thread = threading.Thread(target=server.serve_forever, name="js-units-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("unit_file", UNIT_FILES, ids=[path.name for path in UNIT_FILES])
def test_js_units(browser: Browser, static_url: str, unit_file: Path) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console error: {message.text} ({message.location.get('url', '?')})")

    def on_page_error(error: Error) -> None:
        errors.append(f"page error: {error.stack or error.message}")

    page = browser.new_page()
    try:
        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.goto(f"{static_url}/tests/js/runner.html?file={unit_file.name}")
        try:
            page.wait_for_function("window.__done === true", timeout=TIMEOUT_MS)
        except PlaywrightTimeoutError:
            current = page.evaluate("window.__current ?? null")
            errors.append(
                f"the run did not finish within {TIMEOUT_MS / 1000:g} s"
                + (f", stuck in {current!r}" if current else "")
            )
        results: list[dict[str, Any]] = page.evaluate("window.__results ?? []")
        errors += [f"error at {place}" for place in page.evaluate("window.__errorsAt ?? []")]
    finally:
        page.close()

    failed = [result for result in results if not result["ok"]]
    problems = [f"{result['name']}: {result['error']}" for result in failed] + errors
    if not results and not errors:
        problems.append("no unit tests ran: does the file call test()?")
    summary = f"{unit_file.name}: {len(failed)} of {len(results)} unit tests failed"
    if errors:
        summary += ", and the page reported errors"
    assert not problems, "\n  - ".join([summary, *problems])
