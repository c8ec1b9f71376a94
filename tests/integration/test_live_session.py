"""A whole workshop driven over sockets: a console, a projector and three phones."""

from __future__ import annotations

from tests.people import Room


def names(messages: list[dict]) -> list[str]:
    return [m["name"] for m in messages]


def test_a_whole_workshop_reaches_each_audience_as_it_should(room: Room) -> None:
    console = room.console()
    screen = room.screen()
    ana, ben = room.phone("Ana"), room.phone("Ben")
    anon = room.phone(None)

    # The lobby: everyone sees where the room is; the console sees who is here.
    lobby = ana.join_ack
    assert lobby["state"]["workshop"]["phase"] == "lobby"
    assert lobby["state"]["workshop"]["title"] == "Partnering 2027"
    assert lobby["state"]["question"] is None
    assert lobby["me"]["name"] == "Ana"
    assert anon.join_ack["me"] == {
        "id": anon.join_ack["me"]["id"],
        "name": "Anonymous",
        "anonymous": True,
    }
    heard = console.received()
    # Each newcomer is heard of as the form stores them, then again as their phone connects.
    joined = [m["args"][0]["participant"] for m in heard if m["name"] == "participant"]
    latest = {p["id"]: p for p in joined}
    assert [p["name"] for p in latest.values()] == ["Ana", "Ben", "Anonymous"]
    assert all(p["connected"] for p in latest.values())
    assert [m["args"][0] for m in heard if m["name"] == "counts"][-1]["participants"] == 3
    assert screen.events("counts")[-1]["connected"] == 3

    # Start: every audience gets the first question in a `state` broadcast.
    ack = console.send("workshop:start")
    assert ack == {"ok": True, "phase": "questions", "position": 0}
    [phone_state] = ana.events("state")
    question = phone_state["question"]
    assert question["number"] == 1 and question["total"] == 8
    assert question["section"] == "self" and question["field"] == "motivation"
    assert phone_state["workshop"]["accepting"] is True
    [screen_state] = screen.events("state")
    assert screen_state["question"]["prompt"] == question["prompt"]
    assert screen_state["answers"] == []
    # The console already holds the people and their answers: it is sent only what moved.
    [console_move] = console.events("moved")
    assert console_move["workshop"]["position"] == 0
    assert console_move["questions"][0]["id"] == question["id"]
    assert console_move["counts"]["question_id"] == question["id"]
    assert set(console_move) == {"workshop", "questions", "counts", "wall", "cloud", "seq"}
    assert console.events("state") == []

    # Phones answer; each ack carries the saved answer. The console sees answers live,
    # the projector only counts them (answers are hidden until revealed).
    first = ana.send(
        "answer:submit",
        {"question_id": question["id"], "text": "Reach into new markets", "client_key": "a1"},
    )
    assert first["ok"] and first["answer"]["status"] == "saved" and first["duplicate"] is False
    ben.send("answer:submit", {"question_id": question["id"], "text": "Credibility with buyers"})
    ana.send("answer:submit", {"question_id": question["id"], "text": "Not doing it alone"})
    heard = console.received()
    live = [m["args"][0] for m in heard if m["name"] == "answer"]
    assert [a["answer"]["text"] for a in live] == [
        "Reach into new markets",
        "Credibility with buyers",
        "Not doing it alone",
    ]
    assert [a["answer"]["author"] for a in live] == ["Ana", "Ben", "Ana"]
    assert [m["args"][0] for m in heard if m["name"] == "counts"][-1] == {
        "question_id": question["id"],
        "participants": 3,
        "connected": 3,
        "answers": 3,
        "answered": 2,
    }
    screen_messages = screen.received()
    assert "answer" not in names(screen_messages)
    assert [m["args"][0]["answers"] for m in screen_messages if m["name"] == "counts"] == [1, 2, 3]

    # Phones never see anyone else's answers.
    for phone in (ana, ben, anon):
        assert not {"answer", "answer_removed", "participant"} & set(names(phone.received()))

    # Reveal: the projector gets the cards (no authors); later answers arrive live.
    console.send("answers:reveal", {"revealed": True})
    [revealed] = screen.events("state")
    assert [a["text"] for a in revealed["answers"]] == [
        "Reach into new markets",
        "Credibility with buyers",
        "Not doing it alone",
    ]
    assert all("author" not in a and "participant_id" not in a for a in revealed["answers"])
    late = anon.send("answer:submit", {"question_id": question["id"], "text": "Learning fast"})
    assert late["ok"]
    arrived = [m["args"][0] for m in screen.received() if m["name"] == "answer"]
    assert [a["answer"]["text"] for a in arrived] == ["Learning fast"]

    # Moderation: hiding an answer removes it from the projector, not from the console.
    hidden_id = late["answer"]["id"]
    assert console.send("answer:hide", {"answer_id": hidden_id, "hidden": True}) == {
        "ok": True,
        "answer_id": hidden_id,
        "hidden": True,
    }
    on_screen = screen.received()
    assert [m["args"][0]["id"] for m in on_screen if m["name"] == "answer_removed"] == [hidden_id]
    heard = console.received()
    assert [m["args"][0] for m in heard if m["name"] == "answer"][-1]["answer"]["hidden"] is True
    # The projector counts only the answers it may show; the console counts them all.
    shown = [m["args"][0] for m in on_screen if m["name"] == "counts"][-1]
    everything = [m["args"][0] for m in heard if m["name"] == "counts"][-1]
    assert shown["answers"] == everything["answers"] - 1
    screen_after = screen.send("screen:join", {"token": room.screen_token})
    assert "Learning fast" not in [a["text"] for a in screen_after["state"]["answers"]]
    assert screen_after["state"]["counts"]["answers"] == shown["answers"]

    # A phone edits and deletes its own answer while answering is open.
    edited = ana.send(
        "answer:edit", {"answer_id": first["answer"]["id"], "text": "Reach into two new markets"}
    )
    assert edited["ok"] and edited["answer"]["text"] == "Reach into two new markets"
    assert console.events("answer")[-1]["answer"]["text"] == "Reach into two new markets"
    assert [a["answer"]["text"] for a in screen.events("answer")] == ["Reach into two new markets"]
    gone = ben.send("answer:delete", {"answer_id": live[1]["answer"]["id"]})
    assert gone == {"ok": True, "answer_id": live[1]["answer"]["id"]}
    assert console.events("answer_removed")[-1]["id"] == live[1]["answer"]["id"]

    # The timer: its end comes from the server's clock, sent to every audience.
    room.drain()
    timer = console.send("timer:start", {"seconds": 90})
    assert timer["ok"]
    for person, event in ((console, "moved"), (screen, "state"), (ana, "state")):
        [state] = person.events(event)
        ends, now = state["workshop"]["timer"]["ends_at"], state["workshop"]["server_time"]
        assert 89_000 <= ends - now <= 90_500
        assert state["workshop"]["timer"]["seconds"] == 90

    # Next question, answer it, jump back, close answering: the pointer moves for all.
    room.drain()
    console.send("workshop:next")
    [moved] = ben.events("state")
    second = moved["question"]
    assert second["number"] == 2 and second["field"] == "purpose"
    assert moved["workshop"]["timer"] is None, "a new question clears the timer"
    assert ben.send("answer:submit", {"question_id": second["id"], "text": "Viability first"})["ok"]
    assert console.send("workshop:previous")["position"] == 0
    assert console.send("workshop:goto", {"position": 7})["position"] == 7
    *_, last = anon.events("state")
    assert last["question"]["field"] == "values"
    assert console.send("answering:set", {"open": False})["ok"]
    [closed] = anon.events("state")
    assert closed["workshop"]["accepting"] is False
    refused = anon.send("answer:submit", {"question_id": last["question"]["id"], "text": "Honesty"})
    assert refused["error"]["code"] == "answering_closed"

    # End: every audience hears it; answering is closed for good.
    room.drain()
    assert console.send("workshop:end") == {
        "ok": True,
        "phase": "ended",
        "position": None,
        "sealed": None,
    }
    for person in (screen, ana, ben, anon):
        [state] = person.events("state")
        assert state["workshop"]["phase"] == "ended"

    # The console's snapshot holds every answer, by author, with its moderation state.
    final = console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    assert [(a["author"], a["text"], a["hidden"]) for a in final["answers"]] == [
        ("Ana", "Reach into two new markets", False),
        ("Ana", "Not doing it alone", False),
        ("Anonymous", "Learning fast", True),
        ("Ben", "Viability first", False),
    ]
    assert room.answers() == [(a["author"], a["text"]) for a in final["answers"]]


def test_a_phone_rejoining_gets_its_own_answers_back(room: Room) -> None:
    console = room.console()
    ana = room.phone("Ana")
    console.send("workshop:start")
    question_id = ana.events("state")[0]["question"]["id"]
    sent = ana.send(
        "answer:submit", {"question_id": question_id, "text": "Shared load", "client_key": "k-1"}
    )

    ana.socket.disconnect()
    assert console.events("participant")[-1]["participant"]["connected"] is False
    again = room._person(ana.browser, "phone:join", {"workshop_id": room.workshop_id})

    assert again.join_ack["answers"] == [sent["answer"]]
    assert again.join_ack["state"]["question"]["id"] == question_id
    assert console.events("participant")[-1]["participant"]["connected"] is True


def test_a_retried_answer_is_stored_once(room: Room) -> None:
    console = room.console()
    ana = room.phone("Ana")
    console.send("workshop:start")
    question_id = ana.events("state")[0]["question"]["id"]
    payload = {"question_id": question_id, "text": "Momentum", "client_key": "retry-1"}

    first, second = ana.send("answer:submit", payload), ana.send("answer:submit", payload)

    assert first["answer"] == second["answer"]
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    assert room.answers() == [("Ana", "Momentum")]
    assert len(console.events("answer")) == 1, "a retry is not announced twice"


def test_the_same_phone_in_two_tabs_stays_in_step(room: Room) -> None:
    console = room.console()
    ana = room.phone("Ana")
    other_tab = room._person(ana.browser, "phone:join", {"workshop_id": room.workshop_id})
    console.send("workshop:start")
    question_id = ana.events("state")[0]["question"]["id"]

    sent = ana.send("answer:submit", {"question_id": question_id, "text": "Reach"})

    assert other_tab.events("my_answer") == [sent["answer"]]
    assert "my_answer" not in names(ana.received()), "the sender has it from its ack"
    online = [
        p
        for p in console.send("console:join", {"workshop_id": room.workshop_id})["state"][
            "participants"
        ]
    ]
    assert [(p["name"], p["connected"], p["answered_current"]) for p in online] == [
        ("Ana", True, True)
    ]


def test_two_workshops_never_hear_each_other(app, room: Room) -> None:
    other = Room(app, title="Another team")
    try:
        console, phone = room.console(), room.phone("Ana")
        other_console, other_screen, other_phone = (
            other.console(),
            other.screen(),
            other.phone("Zed"),
        )
        other.drain()
        console.send("workshop:start")
        question_id = phone.events("state")[0]["question"]["id"]
        phone.send("answer:submit", {"question_id": question_id, "text": "Private to room one"})
        console.send("answers:reveal", {"revealed": True})
        console.send("workshop:end")

        for person in (other_console, other_screen, other_phone):
            assert person.received() == []
    finally:
        other.close()


def test_every_change_carries_the_next_sequence_number(room: Room) -> None:
    console, screen, phone = room.console(), room.screen(), room.phone("Ana")
    console.send("workshop:start")
    state = console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    phone_state = phone.events("state")[-1]
    room.drain()
    seq, phone_seq = state["workshop"]["seq"], phone_state["workshop"]["seq"]
    question_id = state["questions"][0]["id"]

    sent = [
        phone.send("answer:submit", {"question_id": question_id, "text": f"idea {n}"})["answer"]
        for n in range(3)
    ]
    console.send("answer:hide", {"answer_id": sent[0]["id"], "hidden": True})

    assert [a["seq"] for a in console.events("answer")] == [seq + 1, seq + 2, seq + 3, seq + 4]
    # The projector's counts account for every change up to their number.
    screen_counts = screen.events("counts")
    assert [c["seq"] for c in screen_counts] == [seq + 1, seq + 2, seq + 3, seq + 4]
    assert all(c["covers"] for c in screen_counts)
    assert phone.events("state") == [], "answers are not the phones' business"

    console.send("workshop:next")
    [moved] = phone.events("state")
    assert moved["workshop"]["seq"] == phone_seq + 1, "phones count only what they are sent"
    assert console.events("moved")[-1]["seq"] == seq + 5
