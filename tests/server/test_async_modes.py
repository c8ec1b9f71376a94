"""The app serves a real workshop under each async server: threading, gevent, eventlet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from tests.server.live_server import (
    LiveClient,
    create_workshop,
    post_form,
    running_server,
    signed_up_facilitator,
)

pytestmark = pytest.mark.server


@pytest.mark.parametrize("mode", ["threading", "gevent", "eventlet"])
def test_a_short_workshop_runs_under_each_async_mode(
    tmp_path: Path, mode: str, database_url
) -> None:
    with running_server(tmp_path, mode, database_url=database_url(tmp_path)) as url:
        facilitator = signed_up_facilitator(url)
        workshop_id = create_workshop(url, facilitator, f"Live under {mode}")
        console_page = facilitator.get(f"{url}/workshops/{workshop_id}/console", timeout=5).text
        code = re.search(r"/j/([A-Z2-9]{6})", console_page)[1]

        console = LiveClient(url, facilitator)
        console.connect()
        assert console.send("console:join", {"workshop_id": workshop_id})["ok"]

        phones = []
        for name in ("Ana", "Ben", "Cy"):
            browser = requests.Session()
            joined = post_form(browser, f"{url}/j/{code}", {"name": name, "submit": "Join"})
            assert joined.status_code == 302
            phone = LiveClient(url, browser)
            phone.connect()
            ack = phone.send("phone:join", {"workshop_id": workshop_id})
            assert ack["ok"] and ack["me"]["name"] == name
            phones.append(phone)
        try:
            assert console.send("workshop:start")["ok"]
            for phone in phones:
                [state] = phone.wait_for("state")
                question_id = state["question"]["id"]
                ack = phone.send(
                    "answer:submit", {"question_id": question_id, "text": f"{mode} idea"}
                )
                assert ack["ok"] and ack["answer"]["status"] == "saved"
            arrived = console.wait_for("answer", count=3)
            assert [a["answer"]["author"] for a in arrived] == ["Ana", "Ben", "Cy"]
            assert console.wait_until("counts", lambda c: c["answered"] == 3)["answers"] == 3
        finally:
            for client in (console, *phones):
                client.close()
