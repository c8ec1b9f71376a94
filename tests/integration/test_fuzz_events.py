"""Hypothesis throws arbitrary payloads at every socket event: no crash, always a clear answer."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.test_authorization_matrix import (
    FACILITATOR_EVENTS,
    JOIN_EVENTS,
    PHONE_EVENTS,
)
from tests.people import Room

# Text as JSON can carry it: ordinary text, and text holding a lone UTF-16 surrogate,
# which Python keeps in a str but cannot store or send as UTF-8.
texts = st.text(max_size=300) | st.builds(
    lambda before, lone, after: before + lone + after,
    st.text(max_size=20),
    st.characters(categories=["Cs"]),
    st.text(max_size=20),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=12,
)
KNOWN_FIELDS = sorted(
    {key for payloads in (FACILITATOR_EVENTS, PHONE_EVENTS) for p in payloads.values() for key in p}
    | {"workshop_id", "token", "question_id", "client_key", "reaction"}
    | {"code", "name", "anonymous", "join_key"}  # a new phone joining over its socket
)
# Mostly objects with the real field names and wild values; sometimes anything at all.
payloads = st.one_of(
    st.dictionaries(st.sampled_from(KNOWN_FIELDS), json_values, max_size=5),
    json_values,
)
EVENTS = sorted(set(FACILITATOR_EVENTS) | set(PHONE_EVENTS) | JOIN_EVENTS)


@pytest.fixture
def live_room(room: Room, clock):  # type: ignore[no-untyped-def]
    console, screen, phone = room.console(), room.screen(), room.phone("Fuzz")
    console.send("workshop:start")
    return room, {"console": console, "screen": screen, "phone": phone}, clock


@pytest.mark.parametrize("event", EVENTS)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=payloads, sender=st.sampled_from(["console", "screen", "phone"]))
def test_any_payload_gets_a_clear_acknowledgement(
    live_room, event: str, payload: Any, sender: str
) -> None:
    _, people, clock = live_room
    clock.advance(2)  # stay clear of the rate limits, so the payload itself is what is judged
    ack = people[sender].socket.emit(event, payload, callback=True)
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
    if not ack["ok"]:
        assert ack["error"]["code"] != "server_error", (event, payload, ack)
        assert isinstance(ack["error"]["message"], str) and ack["error"]["message"]


def test_the_server_still_serves_after_the_fuzzing(live_room) -> None:
    room, people, _ = live_room
    for event in EVENTS:
        people["phone"].socket.emit(event, {"text": "\x00" * 10, "answer_id": -1}, callback=True)
        people["console"].socket.emit(event, [1, {"x": None}], callback=True)
    assert people["console"].send("console:join", {"workshop_id": room.workshop_id})["ok"]
    assert room.app.test_client().get("/").status_code == 200
