"""The nginx config in docs/deployment.md, run for real in front of two processes.

The test takes the config block from the document itself (only its ports, its
TLS line and the static folder are replaced), starts nginx with it, and plays
a short workshop through it: pages and forms, Socket.IO's long-polling
handshake upgraded to a WebSocket, the static files served by nginx alone.
Every client here comes from 127.0.0.1, so ip_hash sends them all to one
process; test_scale_out.py covers the two processes sharing a workshop.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio

from tests.conftest import POSTGRES_URL
from tests.server.live_server import (
    create_workshop,
    free_port,
    post_form,
    running_server,
    signed_up_facilitator,
)

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def documented_config() -> str:
    """Return the nginx block of docs/deployment.md as written."""
    text = (ROOT / "docs" / "deployment.md").read_text()
    found = re.search(r"```nginx\n(.*?)```", text, re.S)
    assert found, "docs/deployment.md has no nginx block"
    return found.group(1)


def documented_environment() -> dict[str, str]:
    """Return the WORKSHOP_ settings the documented systemd unit sets with Environment=."""
    text = (ROOT / "docs" / "deployment.md").read_text()
    unit = re.search(r"```ini\n(.*?)```", text, re.S)
    assert unit, "docs/deployment.md has no systemd unit"
    return dict(re.findall(r"^Environment=(WORKSHOP_\w+)=(\S+)", unit.group(1), re.M))


def _runnable(config: str, listen: int, upstreams: list[str]) -> str:
    """Point the documented config at this test's ports and folders; change nothing else."""
    servers = re.findall(r"server 127\.0\.0\.1:\d+;", config)
    assert len(servers) == len(upstreams), servers
    for line, upstream in zip(servers, upstreams, strict=True):
        config = config.replace(line, f"server {upstream.removeprefix('http://')};")
    assert "listen 443 ssl;" in config and "alias /srv/workshop/static/;" in config
    config = config.replace("listen 443 ssl;", f"listen 127.0.0.1:{listen};")
    return config.replace("alias /srv/workshop/static/;", f"alias {ROOT / 'static'}/;")


@contextlib.contextmanager
def running_nginx(folder: Path, site: str, port: int) -> Iterator[str]:
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log {folder}/access.log;\n"
        f"  client_body_temp_path {folder};\n  proxy_temp_path {folder};\n"
        f"  include /etc/nginx/mime.types;\n  include {folder}/site.conf;\n}}\n"
    )
    process = subprocess.Popen(
        [NGINX, "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                requests.get(url + "/", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx-light)")
def test_the_documented_nginx_config_serves_a_workshop(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shared_services: None,  # Redis and PostgreSQL, or a skip saying why
) -> None:
    # The processes run as the documented unit runs them: trusting one proxy.
    settings = documented_environment()
    assert settings.get("WORKSHOP_TRUSTED_PROXIES") == "1", settings
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    for name in ("one", "two", "nginx"):
        (tmp_path / name).mkdir()
    with contextlib.ExitStack() as stack:
        upstreams = [
            stack.enter_context(
                running_server(tmp_path / name, "gevent", database_url=POSTGRES_URL)
            )
            for name in ("one", "two")
        ]
        site = _runnable(documented_config(), port := free_port(), upstreams)
        url = stack.enter_context(running_nginx(tmp_path / "nginx", site, port))

        # Static files come from nginx: the app would add its Content-Security-Policy.
        css = requests.get(f"{url}/static/css/base.css", timeout=5)
        assert css.status_code == 200 and "text/css" in css.headers["Content-Type"]
        assert "Content-Security-Policy" not in css.headers
        assert "Content-Security-Policy" in requests.get(f"{url}/", timeout=5).headers

        # Behind the proxy the socket server still knows its own origin, and only that.
        handshake = f"{url}/socket.io/?EIO=4&transport=polling"
        assert requests.get(handshake, headers={"Origin": url}, timeout=5).status_code == 200
        foreign = requests.get(handshake, headers={"Origin": "http://evil.example"}, timeout=5)
        assert foreign.status_code == 400

        facilitator = signed_up_facilitator(url)
        workshop_id = create_workshop(url, facilitator, "Behind nginx")
        page = facilitator.get(f"{url}/workshops/{workshop_id}/console", timeout=5).text
        code = page.split("/j/", 1)[1][:6]
        assert f"{url}/j/{code}" in page

        # The app trusts nginx's forwarded headers, so nginx must set each one itself:
        # a browser's own would otherwise become the host and scheme of the join link.
        spoofed = facilitator.get(
            f"{url}/workshops/{workshop_id}/console",
            headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
            timeout=5,
        ).text
        assert f"{url}/j/{code}" in spoofed and "evil.example" not in spoofed

        def client(browser: requests.Session) -> socketio.Client:
            """Connect as a browser does: long-polling first, then the upgrade."""
            sio = socketio.Client(reconnection=False)
            cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
            sio.connect(url, headers={"Cookie": cookie}, transports=["polling", "websocket"])
            stack.callback(sio.disconnect)
            deadline = time.monotonic() + 10
            while sio.transport() != "websocket" and time.monotonic() < deadline:
                time.sleep(0.05)
            assert sio.transport() == "websocket", "the WebSocket upgrade did not pass nginx"
            return sio

        console = client(facilitator)
        answers: list[dict] = []
        console.on("answer", answers.append)
        assert console.call("console:join", {"workshop_id": workshop_id}, timeout=10)["ok"]
        assert console.call("workshop:start", {}, timeout=10)["ok"]

        for name in ("Ana", "Ben"):
            browser = requests.Session()
            joined = post_form(browser, f"{url}/j/{code}", {"name": name, "submit": "Join"})
            assert joined.status_code == 302
            phone = client(browser)
            ack = phone.call("phone:join", {"workshop_id": workshop_id}, timeout=10)
            assert ack["ok"], ack
            question_id = ack["state"]["question"]["id"]
            saved = phone.call(
                "answer:submit", {"question_id": question_id, "text": f"{name} via nginx"}
            )
            assert saved["ok"], saved

        deadline = time.monotonic() + 10
        while len(answers) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        texts = sorted(a["answer"]["text"] for a in answers)
        assert texts == ["Ana via nginx", "Ben via nginx"]
