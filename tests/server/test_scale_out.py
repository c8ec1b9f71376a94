"""Two server processes serve one workshop through Redis and PostgreSQL.

The console and the projector talk to one process, the phones to the other;
everything still arrives on both sides.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import POSTGRES_URL
from tests.server.live_server import (
    LiveClient,
    create_workshop,
    post_form,
    running_server,
    signed_up_facilitator,
)

pytestmark = pytest.mark.server


def names(messages: list[dict[str, Any]]) -> set[str]:
    return {m["participant"]["name"] for m in messages}


def test_a_workshop_runs_across_two_processes(tmp_path: Path, shared_services: None) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    with contextlib.ExitStack() as stack:
        one = stack.enter_context(
            running_server(tmp_path / "one", "threading", database_url=POSTGRES_URL)
        )
        two = stack.enter_context(
            running_server(tmp_path / "two", "threading", database_url=POSTGRES_URL)
        )
        clients: list[LiveClient] = []
        stack.callback(lambda: [c.close() for c in clients])

        facilitator = signed_up_facilitator(one)
        workshop_id = create_workshop(one, facilitator, "Two processes")
        console_page = facilitator.get(f"{one}/workshops/{workshop_id}/console", timeout=5).text
        code = console_page.split("/j/", 1)[1][:6]
        token = console_page.split("/screen/", 1)[1].split('"', 1)[0]

        console = LiveClient(one, facilitator)
        console.connect()
        clients.append(console)
        assert console.send("console:join", {"workshop_id": workshop_id})["ok"]
        screen = LiveClient(one, requests.Session())
        screen.connect()
        clients.append(screen)
        assert screen.send("screen:join", {"token": token})["ok"]

        phones = []
        for name in ("Ana", "Ben", "Cy"):
            browser = requests.Session()
            assert (
                post_form(browser, f"{two}/j/{code}", {"name": name, "submit": "Join"}).status_code
                == 302
            )
            phone = LiveClient(two, browser)
            phone.connect()
            clients.append(phone)
            assert phone.send("phone:join", {"workshop_id": workshop_id})["ok"]
            phones.append(phone)

        # Each phone is news twice (it joined, then came online), relayed from process two.
        console.wait_for_all(
            "participant", lambda seen: names(seen) == {"Ana", "Ben", "Cy"}, timeout=30
        )
        # Presence is published in the background (realtime/presence.py); the counts
        # that follow each publication say when the other process can read it.
        console.wait_until("counts", lambda c: c["connected"] == 3)
        state = console.send("console:join", {"workshop_id": workshop_id})["state"]
        assert [p["connected"] for p in state["participants"]] == [True, True, True]

        assert console.send("workshop:start")["ok"]
        for phone in phones:
            question_id = phone.wait_for("state")[-1]["question"]["id"]
            assert phone.send(
                "answer:submit", {"question_id": question_id, "text": f"from {phone}"}
            )["ok"]
        assert len(console.wait_for("answer", count=3)) == 3
        # The projector, on the other process, gets the room's counts read from the database.
        assert screen.wait_until("counts", lambda c: c["answers"] == 3)["answered"] == 3

        assert console.send("answers:reveal", {"revealed": True})["ok"]
        revealed = screen.wait_for("state")[-1]
        assert len(revealed["answers"]) == 3

        assert console.send("workshop:end")["ok"]
        for phone in phones:
            assert phone.wait_for("state")[-1]["workshop"]["phase"] == "ended"
