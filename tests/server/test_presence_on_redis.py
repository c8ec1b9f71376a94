"""A crowd leaving two processes at once leaves no ghosts on the console.

Once every departure has reached the console, its counts show nobody within 3 s.

When 1,000 phones disconnected at once, each process wrote each departure to
Redis in its own request; the pool ran out (MaxConnectionsError, 327 times)
and 3 s later the console still showed 319 connected, until the presence
expired a minute later.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.server.live_server import fresh_workshop, live_console
from tests.server.two_processes import Crowd, two_processes

pytestmark = pytest.mark.server

PHONES = 500


def gone(messages: list[dict[str, Any]]) -> set[int]:
    """Return the participants these `participant` messages say have left."""
    return {m["participant"]["id"] for m in messages if not m["participant"]["connected"]}


def test_the_console_shows_no_one_connected_3_s_after_500_phones_leave_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    with two_processes(tmp_path, monkeypatch, redis_url) as (one, two):
        facilitator, workshop_id, code = fresh_workshop(one, "A crowd leaves")
        console = live_console(one, facilitator, workshop_id)
        crowd = Crowd()
        try:
            crowd.join(one, code, workshop_id, PHONES // 2, "One")
            crowd.join(two, code, workshop_id, PHONES // 2, "Two")
            console.wait_until("counts", lambda c: c["connected"] == PHONES, timeout=30)

            mark = len(console.received)
            crowd.leave_at_once()
            # Each departure reaches the console (how fast is the benchmark's business):
            # every phone's own "gone" message, not just as many messages, since joins
            # relayed from the other process may still be arriving.
            console.wait_for_all(
                "participant", lambda seen: len(gone(seen)) == PHONES, timeout=60, since=mark
            )
            console.wait_until("counts", lambda c: c["connected"] == 0, timeout=3, since=mark)
            # And a fresh look agrees: nobody is left marked as connected.
            state = console.send("console:join", {"workshop_id": workshop_id})["state"]
            assert [p for p in state["participants"] if p["connected"]] == []
        finally:
            crowd.close()
            console.close()
