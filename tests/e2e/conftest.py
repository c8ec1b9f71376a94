"""Browser fixtures: a real server process and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.live_server import running_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(
    os.environ.get("WORKSHOP_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts")
)


def _chromium_missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return (
            f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`, "
            "or point CHROMIUM_PATH at one"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make test installs it)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if reason := _chromium_missing():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live_url(tmp_path: Path, database_url) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh server (threading mode) with its own database, for one test."""
    with running_server(tmp_path, "threading", database_url=database_url(tmp_path)) as url:
        yield url


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """The folder where this test saves its screenshots."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
