"""Password hashing runs beside the event loop, so logins never stall the room.

Under gevent and eventlet every socket shares one OS thread. A hash computed
there holds up every acknowledgement until it is done: ten concurrent logins
once took the projector's acknowledgement from 5 ms to over a second.
"""

from __future__ import annotations

import queue
import secrets
import threading
from pathlib import Path

import pytest
import requests
import socketio
import sqlalchemy
from werkzeug.security import generate_password_hash

from tests.server.live_server import (
    LiveClient,
    csrf_token,
    fresh_workshop,
    running_server,
)
from workshop.offload import AT_ONCE

pytestmark = pytest.mark.server

# Three logins (fewer than hash at once, so none waits behind another), whose hashes
# cost 1, 4 and 8 steps of ~450 ms of CPU. Off the loop they run side by side: when
# the first is answered, the second still needs three steps on a shared core, over a
# second, ample for two pings on a busy machine. On the loop the pings would wait for
# the whole second hash, nearly two seconds.
STEPS = (1, 4, 8)
LOGINS = len(STEPS)
assert LOGINS <= AT_ONCE
PINGS = 2
STEP = 900_000
PASSWORD = "correct horse battery"


def accounts_with_slow_hashes(database_url: str) -> list[str]:
    """Make accounts straight in the database, with ever costlier PBKDF2 hashes of the
    same password; return their addresses."""
    emails = [f"user{n}-{secrets.token_hex(3)}@example.org" for n in range(LOGINS)]
    engine = sqlalchemy.create_engine(database_url)
    with engine.begin() as connection:
        for steps, email in zip(STEPS, emails, strict=True):
            connection.execute(
                sqlalchemy.text(
                    "INSERT INTO users (email, name, password_hash, created_at) "
                    "VALUES (:e, 'User', :h, CURRENT_TIMESTAMP)"
                ),
                {
                    "e": email,
                    "h": generate_password_hash(PASSWORD, f"pbkdf2:sha256:{steps * STEP}"),
                },
            )
    engine.dispose()
    return emails


@pytest.mark.parametrize("mode", ["gevent", "eventlet"])
def test_the_projector_is_answered_while_logins_hash(
    tmp_path: Path, mode: str, database_url
) -> None:
    url_of_database = database_url(tmp_path)
    with running_server(tmp_path, mode, database_url=url_of_database) as url:
        facilitator, workshop_id, _ = fresh_workshop(url, "Logins while the room runs")
        page = facilitator.get(f"{url}/workshops/{workshop_id}/console", timeout=5).text
        token = page.split("/screen/", 1)[1].split('"', 1)[0]
        screen = LiveClient(url, requests.Session())
        screen.connect()
        assert screen.send("screen:join", {"token": token})["ok"]

        emails = accounts_with_slow_hashes(url_of_database)

        forms = []
        for email in emails:
            browser = requests.Session()
            forms.append((browser, csrf_token(browser.get(url + "/login", timeout=5).text), email))
        finished: queue.Queue[int] = queue.Queue()
        done = threading.Lock()
        count = [0]

        def log_in(browser: requests.Session, csrf: str, email: str) -> None:
            response = browser.post(
                url + "/login",
                data={"email": email, "password": PASSWORD, "csrf_token": csrf},
                allow_redirects=False,
                timeout=120,
            )
            with done:
                count[0] += 1
            finished.put(response.status_code)

        threads = [threading.Thread(target=log_in, args=form) for form in forms]
        try:
            for thread in threads:
                thread.start()
            assert finished.get(timeout=120) == 302
            # One login has its answer; the next needs at least one more step of hashing.
            # Off the loop, the projector is answered meanwhile, again and again.
            for _ in range(PINGS):
                try:
                    assert screen.send("screen:join", {"token": token})["ok"]
                except socketio.exceptions.TimeoutError:
                    pytest.fail("the projector had no acknowledgement for 10 s while logins hashed")
            with done:
                answered_before_the_pings = count[0]
            assert answered_before_the_pings == 1, (
                f"{answered_before_the_pings} logins were answered before {PINGS} "
                "projector acknowledgements: the hashes block the event loop"
            )
        finally:
            for thread in threads:
                thread.join(timeout=120)
            screen.close()
        statuses = [finished.get_nowait() for _ in range(LOGINS - 1)]
        assert statuses == [302] * (LOGINS - 1)
