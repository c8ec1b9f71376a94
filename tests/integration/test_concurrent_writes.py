"""Many writers at once: every acknowledged write lands, none fails on a locked database."""

from __future__ import annotations

import threading

from flask import Flask

from workshop.extensions import db
from workshop.models import Answer
from workshop.services import accounts, facilitation, participation


def test_twelve_phones_answering_at_the_same_instant_all_get_stored(app: Flask) -> None:
    with app.app_context():
        user = accounts.sign_up("fran@example.org", "correct horse battery", "Fran", "Team")
        workshop = facilitation.create_workshop(
            "Busy", None, "self-and-world", user.memberships[0].team_id
        )
        people = [participation.join(workshop.id, f"P{n}").id for n in range(12)]
        facilitation.start(workshop.id)
        workshop_id, question_id = workshop.id, workshop.questions[0].id

    start = threading.Barrier(len(people))
    failures: list[BaseException] = []

    def answer(person_id: int) -> None:
        with app.app_context():
            try:
                start.wait()
                for n in range(5):
                    participation.submit_answer(
                        workshop_id, person_id, question_id, f"idea {n}", f"{person_id}-{n}"
                    )
            except BaseException as error:  # collected and asserted below
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=answer, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Answer.id))).scalar_one() == 60


def test_two_consoles_saving_the_same_field_at_once_never_both_win(app: Flask) -> None:
    from workshop.errors import Stale
    from workshop.services import synthesis

    with app.app_context():
        user = accounts.sign_up("fran@example.org", "correct horse battery", "Fran", "Team")
        workshop = facilitation.create_workshop(
            "Race", None, "self-and-world", user.memberships[0].team_id
        )
        facilitation.start(workshop.id)
        synthesis.open_synthesis(workshop.id)
        workshop_id = workshop.id

    for round_ in range(15):
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def save(
            text: str,
            version: int = round_,
            start: threading.Barrier = start,
            outcomes: list[str] = outcomes,
        ) -> None:
            with app.app_context():
                try:
                    start.wait()
                    synthesis.edit_statement(workshop_id, "vision", text, version)
                    outcomes.append("saved")
                except Stale:
                    outcomes.append("stale")
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=save, args=(f"{who} {round_}",)) for who in "AB"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["saved", "stale"], (round_, outcomes)


def test_one_join_sent_on_several_connections_at_once_makes_one_person(app: Flask) -> None:
    from workshop.models import Participant

    with app.app_context():
        user = accounts.sign_up("fran@example.org", "correct horse battery", "Fran", "Team")
        workshop = facilitation.create_workshop(
            "Retries", None, "self-and-world", user.memberships[0].team_id
        )
        workshop_id = workshop.id

    for round_ in range(10):
        start = threading.Barrier(3)
        made: list[tuple[int, bool]] = []
        failures: list[BaseException] = []

        def join(
            start: threading.Barrier = start,
            key: str = f"key-{round_}",
            made: list[tuple[int, bool]] = made,
            failures: list[BaseException] = failures,
        ) -> None:
            with app.app_context():
                try:
                    start.wait()
                    person, created = participation.join_once(workshop_id, "Ana", key)
                    made.append((person.id, created))
                except BaseException as error:  # collected and asserted below
                    failures.append(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=join) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        assert len(made) == 3 and len({person for person, _ in made}) == 1, made
        assert sorted(created for _, created in made) == [False, False, True], made

    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Participant.id))).scalar_one() == 10
