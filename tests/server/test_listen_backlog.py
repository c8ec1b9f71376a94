"""The listen backlog a deployment sets is the one the kernel queues a join storm in.

gevent's default (128), eventlet's (50) and Werkzeug's (128) overflowed 863 to 990
times when 1,000 phones joined at once; each overflow cost a phone a second.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.server.live_server import running_server

pytestmark = pytest.mark.server


def listen_queue(port: int) -> int:
    """Return the listening socket's backlog, as `ss` shows it (Send-Q of a listener)."""
    out = subprocess.run(
        ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout
    lines = [line.split() for line in out.splitlines() if line.startswith("LISTEN")]
    assert lines, f"nothing listens on port {port}: {out!r}"
    return int(lines[0][2])


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs `ss` (iproute2) to read the backlog")
@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_the_configured_listen_backlog_reaches_the_listening_socket(
    tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Below any kernel's somaxconn, and unlike every server's default.
    monkeypatch.setenv("WORKSHOP_LISTEN_BACKLOG", "777")
    with running_server(tmp_path, mode) as url:
        assert listen_queue(urlparse(url).port) == 777
    assert "Listen backlog 777" in (tmp_path / f"server-{mode}.log").read_text()
