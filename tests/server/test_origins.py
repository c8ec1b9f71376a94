"""The socket server accepts connections from the app's own origin only."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import socketio

from tests.server.live_server import running_server

pytestmark = pytest.mark.server


def test_a_socket_from_another_origin_is_refused(tmp_path: Path, database_url) -> None:
    with running_server(tmp_path, "threading", database_url=database_url(tmp_path)) as url:
        foreign = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            foreign.connect(url, headers={"Origin": "https://evil.example"}, wait_timeout=5)

        own = socketio.Client(reconnection=False)
        own.connect(url, headers={"Origin": url}, wait_timeout=5)
        assert own.connected
        own.disconnect()
        assert requests.get(url + "/", timeout=5).status_code == 200
