"""Live numbers in a busy room: coalesced to a few updates a second, and never wrong at the end."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.people import Person, Room

INTERVAL = 0.3


@pytest.fixture
def busy(room: Room) -> Room:
    room.app.config["LIVE_UPDATE_INTERVAL"] = INTERVAL
    return room


def settle(*people: Person, quiet: float = 3 * INTERVAL) -> list[list[dict[str, Any]]]:
    """Collect what each person receives until nothing has arrived for `quiet` seconds."""
    heard: list[list[dict[str, Any]]] = [[] for _ in people]
    last = time.monotonic()
    while time.monotonic() - last < quiet:
        for index, person in enumerate(people):
            if fresh := person.received():
                heard[index].extend(fresh)
                last = time.monotonic()
        time.sleep(0.02)
    return heard


def named(messages: list[dict[str, Any]], name: str) -> list[Any]:
    return [m["args"][0] for m in messages if m["name"] == name]


def test_a_burst_of_answers_sends_each_answer_but_only_a_few_counts(busy: Room) -> None:
    console, screen = busy.console(), busy.screen()
    phones = [busy.phone(f"P{n}") for n in range(6)]
    console.send("workshop:start")
    settle(console, screen, *phones)
    question_id = console.send("console:join", {"workshop_id": busy.workshop_id})["state"][
        "questions"
    ][0]["id"]

    began = time.monotonic()
    for round_ in range(3):
        for n, phone in enumerate(phones):
            ack = phone.send("answer:submit", {"question_id": question_id, "text": f"{n}-{round_}"})
            assert ack["ok"], ack
    took = time.monotonic() - began
    on_console, on_screen = settle(console, screen)

    assert len(named(on_console, "answer")) == 18, "every answer reaches the console at once"
    console_counts, screen_counts = named(on_console, "counts"), named(on_screen, "counts")
    # At most one update per interval, plus the one that goes out at once after a quiet spell.
    most = int(took / INTERVAL) + 2
    assert 1 <= len(console_counts) <= most, (len(console_counts), took)
    assert 1 <= len(screen_counts) <= most
    assert len(console_counts) < 18, "counts are coalesced, not sent per answer"
    final = {"participants": 6, "connected": 6, "answers": 18, "answered": 6}
    assert {k: console_counts[-1][k] for k in final} == final
    assert {k: screen_counts[-1][k] for k in final} == final
    # The projector saw none of the answers (not revealed), so its counts cover their numbers.
    assert screen_counts[-1]["covers"] is True
    assert screen_counts[-1]["seq"] == named(on_console, "answer")[-1]["seq"]


def test_the_first_change_after_a_quiet_spell_goes_out_at_once(busy: Room) -> None:
    busy.app.config["LIVE_UPDATE_INTERVAL"] = slow = 3.0
    console, phone = busy.console(), busy.phone("Ana")
    console.send("workshop:start")
    # A quiet spell: the join's second count (the form stores the person, then the
    # phone connects) goes out one interval after the first.
    time.sleep(2 * slow)
    settle(console, phone)
    question_id = console.send("console:join", {"workshop_id": busy.workshop_id})["state"][
        "questions"
    ][0]["id"]
    console.received()

    sent = time.monotonic()
    phone.send("answer:submit", {"question_id": question_id, "text": "Quick"})
    arrived = None
    while arrived is None and time.monotonic() - sent < 5:
        if named(console.received(), "counts"):
            arrived = time.monotonic() - sent
        time.sleep(0.005)
    assert arrived is not None
    assert arrived < slow / 3, f"the first counts waited {arrived:.3f} s, as if coalesced"


def test_reaction_tallies_are_coalesced_per_field_and_end_right(busy: Room) -> None:
    console, screen = busy.console(), busy.screen()
    phones = [busy.phone(f"P{n}") for n in range(5)]
    console.send("workshop:start")
    assert console.send("workshop:synthesis")["ok"]
    for key in ("vision", "sphere"):
        assert console.send("canvas:statement", {"field": key, "text": "Ours", "version": 0})["ok"]
    settle(console, screen, *phones)

    for phone in phones:
        assert phone.send("canvas:react", {"field": "vision", "reaction": "agree"})["ok"]
    for phone in phones[:2]:
        assert phone.send("canvas:react", {"field": "vision", "reaction": "concern"})["ok"]
    assert phones[0].send("canvas:react", {"field": "sphere", "reaction": "concern"})["ok"]
    on_console, on_screen, *on_phones = settle(console, screen, *phones)

    for heard in (on_console, on_screen):
        tallies = named(heard, "reactions")
        vision = [t["reactions"] for t in tallies if t["field"] == "vision"]
        sphere = [t["reactions"] for t in tallies if t["field"] == "sphere"]
        assert 1 <= len(vision) < 7, "seven reactions, fewer tallies"
        assert vision[-1] == {"agree": 3, "concern": 2}
        assert sphere[-1] == {"agree": 0, "concern": 1}
        assert all("seq" not in t for t in tallies), "tallies are absolute: no change number"
    for heard in on_phones:
        assert not named(heard, "reactions"), "phones get no tally traffic"


def test_counts_due_go_out_before_a_numbered_message_so_the_projector_sees_no_gap(
    busy: Room,
) -> None:
    busy.app.config["LIVE_UPDATE_INTERVAL"] = 5.0  # due counts would wait a long time
    console, screen, phone = busy.console(), busy.screen(), busy.phone("Ana")
    console.send("workshop:start")
    question_id = console.send("console:join", {"workshop_id": busy.workshop_id})["state"][
        "questions"
    ][0]["id"]
    first = phone.send("answer:submit", {"question_id": question_id, "text": "Keep"})["answer"]
    dupe = phone.send("answer:submit", {"question_id": question_id, "text": "Keep!"})["answer"]
    assert console.send("workshop:synthesis")["ok"]
    seq = screen.send("screen:join", {"token": busy.screen_token})["state"]["workshop"]["seq"]
    screen.received()

    # A merge bumps the change number; the projector hears of it only through counts.
    assert console.send("answers:merge", {"answer_id": dupe["id"], "into_id": first["id"]})["ok"]
    assert console.send("canvas:statement", {"field": "vision", "text": "Ours", "version": 0})
    heard = [(m["name"], m["args"][0]) for m in screen.received()]

    names = [name for name, _ in heard]
    assert names.index("counts") < names.index("canvas_field"), names
    # The client's rule (static/js/live.js noteSeq): a number more than one ahead is a gap,
    # unless the message covers everything up to it.
    last = seq
    for name, payload in heard:
        if "seq" in payload:
            assert payload.get("covers") or payload["seq"] <= last + 1, f"gap at {name}"
            last = max(last, payload["seq"])
    assert last == seq + 2


def test_one_sender_per_workshop_even_when_a_send_is_slow(app) -> None:  # type: ignore[no-untyped-def]
    from workshop.realtime.coalesce import Coalescer

    app.config["LIVE_UPDATE_INTERVAL"] = 0.05
    running, most, sent = [0], [0], []

    def slow_flush(workshop_id: int, topics: frozenset[str]) -> None:
        running[0] += 1
        most[0] = max(most[0], running[0])
        time.sleep(0.2)  # four intervals
        sent.append(topics)
        running[0] -= 1

    coalescer = Coalescer()
    coalescer.init_app(slow_flush)
    with app.app_context():
        for n in range(12):
            coalescer.mark(1, f"t{n}")
            time.sleep(0.05)
    deadline = time.monotonic() + 5
    while sum(len(t) for t in sent) < 12 and time.monotonic() < deadline:
        time.sleep(0.02)

    assert most[0] == 1, "sends never overlap"
    assert sorted(topic for topics in sent for topic in topics) == sorted(
        f"t{n}" for n in range(12)
    )
    assert len(sent) < 12, "marks made during a send go out together with the next one"
