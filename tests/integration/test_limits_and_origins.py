"""Rate limits count per person, not per venue IP; sockets accept the app's own origin only."""

from __future__ import annotations

from tests.people import Room, post_form


def test_the_answer_limit_stops_one_participant_and_not_their_neighbour(room: Room, clock) -> None:
    console = room.console()
    ana, ben = room.phone("Ana"), room.phone("Ben")  # same test IP, like a venue's Wi-Fi
    console.send("workshop:start")
    question_id = console.send("console:join", {"workshop_id": room.workshop_id})["state"][
        "questions"
    ][0]["id"]

    acks = [
        ana.send("answer:submit", {"question_id": question_id, "text": f"Ana {n}"})
        for n in range(11)
    ]
    neighbour = ben.send("answer:submit", {"question_id": question_id, "text": "Ben 0"})

    assert all(a["ok"] for a in acks[:10])
    assert acks[10]["error"]["code"] == "rate_limited"
    assert 0 < acks[10]["error"]["details"]["retry_after"] <= 10
    assert neighbour["ok"], "another participant on the same IP is not affected"
    assert len(room.answers()) == 11

    clock.advance(10.5)
    assert ana.send("answer:submit", {"question_id": question_id, "text": "Ana later"})["ok"]


def test_the_facilitator_has_a_limit_of_their_own(room: Room, clock) -> None:
    console = room.console()
    results = [console.send("timer:stop")["ok"] for _ in range(61)]
    assert results[:60] == [True] * 60 and results[60] is False
    clock.advance(11)
    assert console.send("timer:stop")["ok"]


def test_wrong_join_codes_are_limited_per_browser_with_one_answer_for_all(
    room: Room, clock
) -> None:
    guesser, neighbour = room.app.test_client(), room.app.test_client()
    answers = [post_form(guesser, "/", {"code": f"ZZZZZ{n}"}) for n in range(2, 10)]
    answers += [
        post_form(guesser, "/", {"code": "XYZ234"}),
        post_form(guesser, "/", {"code": "0O1"}),
    ]
    assert [r.status_code for r in answers] == [404] * 10
    assert (
        len({r.get_data(as_text=True).count("No workshop is using that code") for r in answers})
        == 1
    )

    blocked = post_form(guesser, "/", {"code": room.code})
    assert blocked.status_code == 429, "past the limit even a right code waits"
    assert guesser.get(f"/j/{room.code}").status_code == 429
    assert post_form(neighbour, "/", {"code": room.code}).status_code == 302

    clock.advance(61)
    assert post_form(guesser, "/", {"code": room.code}).status_code == 302
