"""A real server process, and real clients that use it as browsers and phones do."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import socketio

ROOT = Path(__file__).resolve().parents[2]
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(
    instance: Path, mode: str, port: int | None = None, database_url: str | None = None
) -> Iterator[str]:
    """Run `python wsgi.py` in `mode` until the block ends; yield its base URL."""
    port = port or free_port()
    env = {
        **os.environ,
        "WORKSHOP_DATABASE_URL": database_url or f"sqlite:///{instance / 'workshop.db'}",
        "WORKSHOP_ASYNC_MODE": mode,
        "WORKSHOP_INSTANCE_PATH": str(instance),
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    log = open(instance / f"server-{mode}.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"server exited: {(instance / f'server-{mode}.log').read_text()}"
                )
            try:
                if requests.get(url + "/", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 30 s")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the form carries no CSRF token"
    return match.group(1) or match.group(2)


def post_form(browser: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    """GET a form page, then POST it with its CSRF token, as a browser would."""
    token = csrf_token(browser.get(url, timeout=5).text)
    return browser.post(url, data={**data, "csrf_token": token}, allow_redirects=False, timeout=5)


class LiveClient:
    """A python-socketio client that records every event it receives."""

    def __init__(
        self, base_url: str, browser: requests.Session, *, reconnect: bool = False
    ) -> None:
        self.base_url = base_url
        self.browser = browser
        self.received: list[tuple[str, Any]] = []
        self._arrived = threading.Condition()
        self.sio = socketio.Client(
            reconnection=reconnect, reconnection_delay=0.2, reconnection_delay_max=1
        )
        self.sio.on("*", self._record)

    def join_on_every_connect(self, event: str, payload: dict[str, Any]) -> None:
        """Join as a page does: on the first connect and again after every reconnect.

        Each join's acknowledgement is recorded as a `joined` event.
        """

        def joined(ack: Any) -> None:
            self._record("joined", ack)

        self.sio.on("connect", lambda: self.sio.emit(event, payload, callback=joined))

    def _record(self, event: str, data: Any = None) -> None:
        with self._arrived:
            self.received.append((event, data))
            self._arrived.notify_all()

    def connect(self, transport: str = "websocket") -> None:
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.browser.cookies)
        self.sio.connect(
            self.base_url, headers={"Cookie": cookie}, transports=[transport], wait_timeout=10
        )

    def send(self, event: str, payload: Any = None) -> Any:
        return self.sio.call(event, payload if payload is not None else {}, timeout=10)

    def wait_for(self, event: str, count: int = 1, timeout: float = 10) -> list[Any]:
        """Return the payloads of `event` once `count` of them have arrived."""
        with self._arrived:
            ok = self._arrived.wait_for(
                lambda: sum(1 for name, _ in self.received if name == event) >= count, timeout
            )
            payloads = [data for name, data in self.received if name == event]
        assert ok, f"waited {timeout}s for {count} x {event!r}; got {len(payloads)}"
        return payloads

    def wait_for_all(
        self,
        event: str,
        settled: Callable[[list[Any]], bool],
        timeout: float = 10,
        since: int = 0,
    ) -> list[Any]:
        """Return every payload of `event` once `settled` holds for them all, in order.

        For messages that may arrive more than once or in any order (a join relayed
        from another process, then its coming online), where a count would be wrong.
        """
        with self._arrived:
            ok = self._arrived.wait_for(
                lambda: settled([d for name, d in self.received[since:] if name == event]),
                timeout,
            )
            payloads = [data for name, data in self.received[since:] if name == event]
        assert ok, f"waited {timeout}s for every {event!r} expected; got {payloads}"
        return payloads

    def wait_until(
        self, event: str, settled: Callable[[Any], bool], timeout: float = 10, since: int = 0
    ) -> Any:
        """Return the first payload of `event` for which `settled` holds (live numbers coalesce).

        `since` skips what arrived before it (a `len(client.received)` taken earlier).
        """
        with self._arrived:
            ok = self._arrived.wait_for(
                lambda: any(settled(data) for name, data in self.received[since:] if name == event),
                timeout,
            )
            payloads = [data for name, data in self.received[since:] if name == event]
        assert ok, f"waited {timeout}s for a settled {event!r}; got {payloads}"
        return next(data for data in payloads if settled(data))

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def signed_up_facilitator(base_url: str, name: str = "Fran") -> requests.Session:
    """Sign a facilitator up through the real form; return the logged-in browser session."""
    browser = requests.Session()
    email = f"{name.lower()}-{secrets.token_hex(4)}@example.org"
    response = post_form(
        browser,
        base_url + "/signup",
        {"name": name, "email": email, "password": "correct horse battery", "team": "Team"},
    )
    assert response.status_code == 302, response.text
    return browser


def create_workshop(base_url: str, browser: requests.Session, title: str) -> int:
    """Create a workshop through the form in the facilitator's first team; return its id."""
    form = browser.get(base_url + "/workshops/new", timeout=5).text
    team = re.search(r'<option[^>]*value="(\d+)"', form[form.index('name="team"') :])
    assert team, "the new-workshop form offers no team"
    response = post_form(
        browser,
        base_url + "/workshops/new",
        {"title": title, "method": "self-and-world", "team": team[1]},
    )
    assert response.status_code == 302, response.text
    return int(re.search(r"/workshops/(\d+)/console", response.headers["Location"])[1])


def join_code(url: str, facilitator: requests.Session, workshop_id: int) -> str:
    """Return the join code the facilitator's console shows for the workshop."""
    html = facilitator.get(f"{url}/workshops/{workshop_id}/console", timeout=5).text
    return html.split("/j/", 1)[1][:6]


def fresh_workshop(url: str, title: str) -> tuple[requests.Session, int, str]:
    """Sign a facilitator up and create a workshop; return their browser, its id and code."""
    facilitator = signed_up_facilitator(url)
    workshop_id = create_workshop(url, facilitator, title)
    return facilitator, workshop_id, join_code(url, facilitator, workshop_id)


def live_console(url: str, facilitator: requests.Session, workshop_id: int) -> LiveClient:
    """The facilitator's console, connected and joined over a real socket."""
    console = LiveClient(url, facilitator)
    console.connect()
    assert console.send("console:join", {"workshop_id": workshop_id})["ok"]
    return console


def phone_client(url: str, code: str, workshop_id: int, name: str) -> LiveClient:
    """A phone joined through the real form, driven over its socket (no browser)."""
    session = requests.Session()
    response = post_form(session, f"{url}/j/{code}", {"name": name, "submit": "Join"})
    assert response.status_code == 302, response.text
    phone = LiveClient(url, session)
    phone.connect()
    assert phone.send("phone:join", {"workshop_id": workshop_id})["ok"]
    phone.workshop_id = workshop_id  # type: ignore[attr-defined]
    return phone
