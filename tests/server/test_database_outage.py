"""A PostgreSQL that hangs costs a phone a retry, not the room.

A fault proxy between a real gevent server and PostgreSQL stops forwarding:
the connections stay open and nothing comes back, which is what a stalled
disk or a frozen host looks like. Every wait on the database is bounded
(workshop/database.py), so the phone hears a retryable `unavailable` within
its page's request timeout and a page answers 503 with Retry-After; once the
database is back, the phone's retry is stored exactly once.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, _postgres_problem
from tests.server.fault_proxy import FaultProxy
from tests.server.live_server import (
    LiveClient,
    fresh_workshop,
    live_console,
    post_form,
    running_server,
)

pytestmark = pytest.mark.server

# static/js/live.js gives up on an acknowledgement after 8 s (DEFAULT_TIMEOUT_MS).
PAGE_PATIENCE_SECONDS = 8.0


@dataclass
class Room:
    url: str
    proxy: FaultProxy
    console: LiveClient
    phone: LiveClient
    code: str
    workshop_id: int
    question_id: int


def _admin_url() -> str:
    return POSTGRES_URL.replace("+psycopg", "")


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    """A started workshop with one phone, on a database of its own behind a fault proxy."""
    if problem := _postgres_problem():
        pytest.skip(f"needs PostgreSQL: {problem}")
    import psycopg

    # A database of this module's own: other tests reset the shared one.
    name = f"outage_{secrets.token_hex(4)}"
    with psycopg.connect(_admin_url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    target = make_url(POSTGRES_URL)
    proxy = FaultProxy(target.host or "127.0.0.1", target.port or 5432).start()
    through_proxy = target.set(host="127.0.0.1", port=proxy.port, database=name)
    folder = tmp_path_factory.mktemp("outage")
    clients: list[LiveClient] = []
    try:
        with running_server(
            folder, "gevent", database_url=through_proxy.render_as_string(hide_password=False)
        ) as url:
            facilitator, workshop_id, code = fresh_workshop(url, "Through a hang")
            console = live_console(url, facilitator, workshop_id)
            clients.append(console)
            assert console.send("workshop:start")["ok"]
            phone = _phone(url, code, workshop_id)
            clients.append(phone)
            question_id = phone.wait_for("joined")[-1]["state"]["question"]["id"]
            yield Room(url, proxy, console, phone, code, workshop_id, question_id)
    finally:
        for client in clients:
            client.close()
        proxy.close()
        with psycopg.connect(_admin_url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _phone(url: str, code: str, workshop_id: int) -> LiveClient:
    browser = requests.Session()
    joined = post_form(browser, f"{url}/j/{code}", {"name": "Ana", "submit": "Join"})
    assert joined.status_code == 302, joined.text
    phone = LiveClient(url, browser)
    phone.join_on_every_connect("phone:join", {"workshop_id": workshop_id})
    phone.connect()
    return phone


@pytest.fixture
def hung(room: Room) -> Iterator[Room]:
    """The database hangs for the length of the test, then comes back."""
    room.proxy.pause()
    try:
        yield room
    finally:
        room.proxy.resume()


def test_an_answer_sent_while_the_database_hangs_gets_a_retryable_refusal_within_seconds(
    hung: Room,
) -> None:
    began = time.monotonic()
    ack = hung.phone.send(
        "answer:submit",
        {"question_id": hung.question_id, "text": "Sent into the hang", "client_key": "hang-1"},
    )
    waited = time.monotonic() - began

    assert not ack["ok"]
    assert ack["error"]["code"] == "unavailable"
    assert "try again" in ack["error"]["message"]
    assert waited < PAGE_PATIENCE_SECONDS, waited
    assert hung.console.sio.connected, "the projector and console stay connected"


def test_the_retry_after_the_database_returns_is_stored_exactly_once(room: Room) -> None:
    answer = {"question_id": room.question_id, "text": "Kept through", "client_key": "hang-2"}
    seen = len(room.console.wait_for("answer", count=0))
    room.proxy.pause()
    try:
        assert room.phone.send("answer:submit", answer)["error"]["code"] == "unavailable"
    finally:
        room.proxy.resume()

    first, again = (
        room.phone.send("answer:submit", answer),
        room.phone.send("answer:submit", answer),
    )

    assert first["ok"], first
    assert again["ok"] and again["duplicate"] and again["answer"]["id"] == first["answer"]["id"]
    assert room.console.wait_for("answer", count=seen + 1)[-1]["answer"]["text"] == "Kept through"
    stored = room.console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    assert [a["text"] for a in stored["answers"]].count("Kept through") == 1


def test_a_page_that_needs_the_database_answers_503_with_retry_after_while_it_hangs(
    hung: Room,
) -> None:
    began = time.monotonic()
    page = requests.get(f"{hung.url}/j/{hung.code}", timeout=PAGE_PATIENCE_SECONDS * 2)
    waited = time.monotonic() - began

    assert page.status_code == 503
    assert int(page.headers["Retry-After"]) > 0
    assert "try again" in page.text
    assert waited < PAGE_PATIENCE_SECONDS, waited
