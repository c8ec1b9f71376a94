"""Logging out on one server process closes the consoles open on another.

Behind a load balancer a console's socket may live on a process other than the
one that serves the logout; it must close all the same.
"""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

import pytest

from tests.server.conftest import REDIS_URL, _redis_problem
from tests.server.live_server import (
    LiveClient,
    create_workshop,
    csrf_token,
    running_server,
    signed_up_facilitator,
)

pytestmark = pytest.mark.server


def test_logging_out_on_one_process_closes_a_console_on_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if problem := _redis_problem():
        pytest.skip(problem)
    # Both processes sign the same cookies, share one database and one Redis channel.
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(16))
    monkeypatch.setenv("WORKSHOP_MESSAGE_QUEUE", REDIS_URL)
    monkeypatch.setenv("WORKSHOP_MESSAGE_QUEUE_CHANNEL", f"test-{secrets.token_hex(4)}")
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    with contextlib.ExitStack() as stack:
        one = stack.enter_context(running_server(tmp_path / "one", "gevent", database_url=database))
        two = stack.enter_context(running_server(tmp_path / "two", "gevent", database_url=database))
        facilitator = signed_up_facilitator(one)
        workshop_id = create_workshop(one, facilitator, "Two processes")

        consoles = []
        for url in (one, two):  # two tabs, which the load balancer sent to each process
            console = LiveClient(url, facilitator)
            console.sio.on("disconnect", lambda *_, c=console: c._record("disconnected"))
            console.connect()
            stack.callback(console.close)
            assert console.send("console:join", {"workshop_id": workshop_id})["ok"]
            consoles.append(console)

        token = csrf_token(facilitator.get(f"{one}/workshops/", timeout=5).text)
        logout = facilitator.post(
            f"{one}/logout", data={"csrf_token": token}, allow_redirects=False, timeout=5
        )
        assert logout.status_code == 302

        for console in consoles:
            [ended] = console.wait_for("session:ended")
            assert ended["reason"] == "logged_out"
            console.wait_for("disconnected")
