"""A change made from a page reaches consoles on other processes, even from a process
that no socket has reached yet (python-socketio starts its manager on the first one)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import requests

from tests.server.live_server import LiveClient, create_workshop, csrf_token, signed_up_facilitator
from tests.server.two_processes import two_processes

pytestmark = pytest.mark.server


@pytest.fixture
def room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str):  # type: ignore[no-untyped-def]
    """Two processes on one Redis; a workshop with its console open on the first."""
    with (
        two_processes(tmp_path, monkeypatch, redis_url) as (one, two),
        contextlib.ExitStack() as stack,
    ):
        facilitator = signed_up_facilitator(one)
        workshop_id = create_workshop(one, facilitator, "Two processes")
        console = LiveClient(one, facilitator)
        console.connect()
        stack.callback(console.close)
        joined = console.send("console:join", {"workshop_id": workshop_id})
        yield two, facilitator, workshop_id, console, joined["state"]["workshop"]["join_code"]


def test_sharing_on_a_fresh_process_reaches_the_console_on_another(room) -> None:  # type: ignore[no-untyped-def]
    two, facilitator, workshop_id, console, _ = room
    # The canvas page is served by the second process, which has had no socket yet.
    page = facilitator.get(f"{two}/workshops/{workshop_id}/canvas", timeout=5)
    shared = facilitator.post(
        f"{two}/workshops/{workshop_id}/share",
        data={"csrf_token": csrf_token(page.text)},
        allow_redirects=False,
        timeout=5,
    )
    assert shared.status_code == 302

    [share] = console.wait_for("share")
    assert share["share_token"]


def test_a_phone_removed_on_one_process_hears_it_on_another(room) -> None:  # type: ignore[no-untyped-def]
    two, _, workshop_id, console, code = room
    browser = requests.Session()
    browser.get(f"{two}/j/{code}", timeout=5)  # the join page sets the phone's session
    phone = LiveClient(two, browser)
    phone.connect()
    try:
        joined = phone.send(
            "phone:join",
            {"workshop_id": workshop_id, "code": code, "name": "Bot", "join_key": "bot-1"},
        )
        assert joined["ok"], joined

        removed = console.send("participant:remove", {"participant_id": joined["me"]["id"]})
        assert removed["ok"], removed

        [heard] = phone.wait_for("removed")
        assert heard["code"] == "removed"
    finally:
        phone.close()
