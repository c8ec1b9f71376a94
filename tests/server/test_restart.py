"""A server killed with SIGKILL mid-workshop comes back with everything that was acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.server.live_server import (
    ROOT,
    LiveClient,
    free_port,
    fresh_workshop,
    post_form,
)

pytestmark = pytest.mark.server


class Server:
    """`python wsgi.py` that the test can kill with SIGKILL and start again on the same port."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "WORKSHOP_DATABASE_URL": database_url,
            "WORKSHOP_ASYNC_MODE": "threading",
            "WORKSHOP_INSTANCE_PATH": str(folder),
            "PORT": str(self.port),
        }
        self.log = open(folder / "server.log", "ab")  # noqa: SIM115
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.close()


def _wait(predicate, timeout: float = 15) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_sigkill_mid_workshop_loses_nothing_that_was_acknowledged(
    tmp_path: Path, database_url
) -> None:
    server = Server(tmp_path, database_url(tmp_path))
    server.start()
    clients: list[LiveClient] = []
    try:
        facilitator, workshop_id, code = fresh_workshop(server.url, "Survives a crash")

        console = LiveClient(server.url, facilitator, reconnect=True)
        console.join_on_every_connect("console:join", {"workshop_id": workshop_id})
        console.connect()
        clients.append(console)
        phones = []
        for name in ("Ana", "Ben", "Cy"):
            browser = requests.Session()
            assert (
                post_form(
                    browser, f"{server.url}/j/{code}", {"name": name, "submit": "Join"}
                ).status_code
                == 302
            )
            phone = LiveClient(server.url, browser, reconnect=True)
            phone.join_on_every_connect("phone:join", {"workshop_id": workshop_id})
            phone.connect()
            phone.wait_for("joined")
            phones.append(phone)
            clients.append(phone)

        assert console.send("workshop:start")["ok"]
        first = phones[0].wait_for("state")[-1]["question"]["id"]
        acked = []
        for n, phone in enumerate(phones):
            for k in range(2):
                ack = phone.send("answer:submit", {"question_id": first, "text": f"{n}-{k} before"})
                assert ack["ok"]
                acked.append(ack["answer"]["text"])
        assert console.send("workshop:synthesis")["ok"]
        assert console.send(
            "canvas:statement", {"field": "vision", "text": "Kept vision", "version": 0}
        )["ok"]
        assert phones[1].send("canvas:react", {"field": "vision", "reaction": "agree"})["ok"]
        assert console.send("workshop:goto", {"position": 1})["ok"]
        assert console.send("answers:reveal", {"revealed": True})["ok"]
        assert console.send("timer:start", {"seconds": 600})["ok"]
        before = console.send("console:join", {"workshop_id": workshop_id})["state"]

        server.kill()
        _wait(lambda: not console.sio.connected and not any(p.sio.connected for p in phones))
        server.start()

        # Everyone reconnects by itself and joins again.
        for client in clients:
            client.wait_for("joined", count=2, timeout=20)
        after = console.wait_for("joined", count=2)[-1]["state"]
        assert sorted(a["text"] for a in after["answers"]) == sorted(acked)
        assert [(a["author"], a["text"]) for a in after["answers"]] == [
            (a["author"], a["text"]) for a in before["answers"]
        ]
        for key in ("phase", "position", "answering_open", "timer"):
            assert after["workshop"][key] == before["workshop"][key], key
        assert after["questions"][1]["revealed"] is True
        vision = next(f for f in after["canvas"]["fields"] if f["key"] == "vision")
        assert vision["statement"] == "Kept vision"
        assert vision["reactions"] == {"agree": 1, "concern": 0}
        ana_again = phones[0].wait_for("joined", count=2)[-1]
        assert sorted(a["text"] for a in ana_again["answers"]) == ["0-0 before", "0-1 before"]

        # And the workshop carries on.
        second = after["questions"][1]["id"]
        seen = len(console.wait_for("answer", count=0))
        ack = phones[2].send("answer:submit", {"question_id": second, "text": "after the crash"})
        assert ack["ok"]
        arrived = console.wait_for("answer", count=seen + 1)
        assert arrived[-1]["answer"]["text"] == "after the crash"
    finally:
        for client in clients:
            client.close()
        server.stop()
