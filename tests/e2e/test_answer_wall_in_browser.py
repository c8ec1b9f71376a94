"""The projector's answer wall at any count: every answer is on a page, and the wall says where.

A room's answers (3 to 2,000 on one question, short and long) are written straight
into the database, since what is under test is the projector; the facilitator then
reveals them and turns the pages from a real console socket. On every page, each
card is wholly inside the wall, its type is at least the floor legible at 10 m, and
the pages together hold every answer exactly once.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy

from tests.conftest import BACKEND, POSTGRES_URL, reset_postgres
from tests.server.live_server import LiveClient, fresh_workshop, live_console, running_server

pytestmark = [pytest.mark.browser, pytest.mark.server]

COUNTS = [3, 12, 40, 200, 2000]
VIEWPORTS = {"1080p": (1920, 1080), "720p": (1280, 720)}
# The floor of the wall's type: 28 px at 1080p, and in proportion on a smaller screen.
FLOOR_AT_1080P = 28
WORDS = [
    "reach",
    "new",
    "markets",
    "schools",
    "councils",
    "trust",
    "shared",
    "customers",
    "cold",
    "chain",
    "kitchens",
    "data",
    "growth",
    "partner",
    "hospitals",
    "healthcare",
    "sector",
    "funding",
    "volunteers",
    "reputation",
]


def answer_text(draw: random.Random) -> str:
    """Mostly a few words, some sentences, and now and then a 1,000-character answer."""
    length = draw.choices([2, 5, 12, 30, 200], weights=[30, 35, 20, 10, 5])[0]
    return " ".join(draw.choice(WORDS) for _ in range(length)).capitalize()[:1000]


@dataclass
class Room:
    url: str
    facilitator: requests.Session
    workshop_id: int
    console: LiveClient
    token: str
    answers: dict[int, dict[int, str]]  # question position -> its answers' ids and texts


def _database(folder: Path) -> str:
    if BACKEND == "postgresql":
        reset_postgres()
        return POSTGRES_URL
    return f"sqlite:///{folder / 'wall.db'}"


def _write_answers(
    database: str, workshop_id: int, question_ids: list[int]
) -> dict[int, dict[int, str]]:
    engine = sqlalchemy.create_engine(database)
    draw = random.Random(13)
    answers: dict[int, dict[int, str]] = {}
    insert = sqlalchemy.text(
        "INSERT INTO answers (workshop_id, question_id, participant_id, text, hidden, "
        "created_at, updated_at) VALUES (:w, :q, :p, :t, :h, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    with engine.begin() as connection:
        person = connection.execute(
            sqlalchemy.text(
                "INSERT INTO participants (workshop_id, name, joined_at) "
                "VALUES (:w, 'Room', CURRENT_TIMESTAMP) RETURNING id"
            ),
            {"w": workshop_id},
        ).scalar_one()
        for position, count in enumerate(COUNTS):
            rows = [
                {"w": workshop_id, "q": question_ids[position], "p": person, "t": answer_text(draw)}
                for _ in range(count)
            ]
            connection.execute(insert, [{**row, "h": False} for row in rows])
            found = connection.execute(
                sqlalchemy.text("SELECT id, text FROM answers WHERE question_id = :q"),
                {"q": question_ids[position]},
            )
            answers[position] = {row.id: row.text for row in found}
    engine.dispose()
    return answers


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    folder = tmp_path_factory.mktemp("wall")
    database = _database(folder)
    with running_server(folder, "threading", database_url=database) as url:
        facilitator, workshop_id, _ = fresh_workshop(url, "The wall")
        console = live_console(url, facilitator, workshop_id)
        assert console.send("workshop:start")["ok"]
        state = console.send("console:join", {"workshop_id": workshop_id})["state"]
        answers = _write_answers(database, workshop_id, [q["id"] for q in state["questions"]])
        page = facilitator.get(f"{url}/workshops/{workshop_id}/console", timeout=5).text
        token = page.split("/screen/", 1)[1].split('"', 1)[0]
        yield Room(url, facilitator, workshop_id, console, token, answers)
        console.close()


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def projector(request: pytest.FixtureRequest, browser, room: Room):  # type: ignore[no-untyped-def]
    width, height = VIEWPORTS[request.param]
    page = browser.new_page(viewport={"width": width, "height": height}, reduced_motion="reduce")
    page.goto(f"{room.url}/screen/{room.token}")
    page.floor = FLOOR_AT_1080P * height / 1080
    yield page
    page.close()


# Where the wall stands: its page, what it says, and each card on it, with whether it fits.
PAGE = """() => {
  const wall = document.getElementById('answer-wall');
  const box = wall.getBoundingClientRect();
  return {
    page: Number(wall.dataset.page),
    pages: Number(wall.dataset.pages),
    says: document.getElementById('wall-pager-text').textContent,
    cards: [...wall.querySelectorAll('.wall-card')].map((card) => {
      const r = card.getBoundingClientRect();
      const text = card.firstChild;
      return {
        id: Number(card.dataset.answerId),
        inside: r.top >= box.top - 1 && r.bottom <= box.bottom + 1
          && r.left >= box.left - 1 && r.right <= box.right + 1,
        font: parseFloat(getComputedStyle(text).fontSize),
        cut: text.scrollHeight > text.clientHeight + 1,
        marked: card.classList.contains('is-cut'),
      };
    }),
  };
}"""


def show(room: Room, projector, position: int) -> dict:  # type: ignore[no-untyped-def]
    """Put question `position` on screen with its answers revealed; return its first page."""
    assert room.console.send("workshop:goto", {"position": position})["ok"]
    assert room.console.send("answers:reveal", {"revealed": True})["ok"]
    total = len(room.answers[position])
    projector.wait_for_function(
        "(n) => document.getElementById('wall-pager-text').textContent.includes(`${n} answer`)",
        arg=total,
    )
    return projector.evaluate(PAGE)


def turn(room: Room, projector, page: int) -> dict:  # type: ignore[no-untyped-def]
    """Turn the wall one page on from `page` (counted from 1); return the page it shows."""
    ack = room.console.send("wall:turn", {"by": 1})
    assert ack["ok"], ack
    projector.wait_for_function(
        "(p) => document.getElementById('answer-wall').dataset.page !== String(p)", arg=page
    )
    return projector.evaluate(PAGE)


@pytest.mark.parametrize("position", range(len(COUNTS)), ids=[f"{n} answers" for n in COUNTS])
def test_every_answer_is_on_a_page_and_the_wall_says_where(
    room: Room, projector, position: int, shots: Path
) -> None:  # type: ignore[no-untyped-def]
    total = len(room.answers[position])
    seen: list[int] = []
    shown = show(room, projector, position)
    if total == 200 and projector.viewport_size["height"] == 1080:
        projector.screenshot(path=str(shots / "projector-wall.png"))
    pages = shown["pages"]
    for number in range(1, pages + 1):
        assert shown["page"] == number
        expected = (
            f"Page {number} of {pages} · {total} answers" if pages > 1 else f"All {total} answers"
        )
        assert shown["says"] == expected
        assert shown["cards"], f"page {number} of {pages} is empty"
        for card in shown["cards"]:
            assert card["inside"], f"answer {card['id']} runs off the wall on page {number}"
            assert card["font"] >= projector.floor, card
            assert card["cut"] == card["marked"], f"answer {card['id']} is cut without saying so"
        seen.extend(card["id"] for card in shown["cards"])
        if pages > 1:
            shown = turn(room, projector, number)
    # The turn after the last page comes back to the first.
    assert shown["page"] == 1
    assert sorted(seen) == sorted(room.answers[position])


@pytest.fixture
def console_page(browser, room: Room):  # type: ignore[no-untyped-def]
    """The facilitator's console in a browser signed in as they are."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_cookies(
        [
            {"name": c.name, "value": c.value or "", "url": room.url}
            for c in room.facilitator.cookies
        ]
    )
    page = context.new_page()
    page.goto(f"{room.url}/workshops/{room.workshop_id}/console")
    yield page
    context.close()


def test_the_consoles_page_keys_turn_the_projectors_wall(room: Room, console_page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    projector = console_page.context.browser.new_page(viewport={"width": 1920, "height": 1080})
    projector.goto(f"{room.url}/screen/{room.token}")
    show(room, projector, 3)
    wall = projector.locator("#answer-wall")
    expect(wall).to_have_attribute("data-page", "1")
    expect(console_page.locator("#btn-wall-on")).to_be_enabled()

    console_page.keyboard.press("PageDown")
    expect(wall).to_have_attribute("data-page", "2")
    console_page.keyboard.press("PageUp")
    expect(wall).to_have_attribute("data-page", "1")
    console_page.keyboard.press("PageUp")  # back from the first page is the last
    expect(wall).to_have_attribute("data-page", wall.get_attribute("data-pages") or "")
    projector.close()


def test_a_spotlit_answer_fills_the_projector_whole_and_escape_ends_it(  # type: ignore[no-untyped-def]
    room: Room, console_page
) -> None:
    from playwright.sync_api import expect

    projector = console_page.context.browser.new_page(viewport={"width": 1280, "height": 720})
    projector.goto(f"{room.url}/screen/{room.token}")
    show(room, projector, 3)
    # The longest of the fifty newest, which the console shows first.
    newest = sorted(room.answers[3], reverse=True)[:50]
    longest_id = max(newest, key=lambda id: len(room.answers[3][id]))
    longest = {"id": longest_id, "text": room.answers[3][longest_id]}
    card = console_page.locator(f'#current-answers [data-answer-id="{longest_id}"]')
    # Cut with an ellipsis and a "More" on the console, whole once opened.
    text = card.locator(".answer-text")
    assert text.evaluate("(t) => t.scrollHeight > t.clientHeight + 1")
    card.locator(".answer-more").click()
    assert text.evaluate("(t) => t.scrollHeight <= t.clientHeight + 1")

    card.locator(".answer-spotlight").click()
    spotlight = projector.locator("#screen-spotlight")
    expect(spotlight).to_be_visible()
    expect(projector.locator("#spotlight-text")).to_have_text(longest["text"])
    box = projector.locator("#spotlight-box")
    assert box.evaluate("(b) => b.scrollHeight <= b.clientHeight + 1"), "the spotlight cuts it"
    assert (
        float(
            projector.locator("#spotlight-text").evaluate(
                "(t) => parseFloat(getComputedStyle(t).fontSize)"
            )
        )
        >= FLOOR_AT_1080P * 720 / 1080
    )

    console_page.keyboard.press("Escape")
    expect(spotlight).to_be_hidden()
    expect(projector.locator("#answer-wall")).to_be_visible()
    projector.close()


def test_the_console_shows_2000_answers_fifty_at_a_time_and_finds_any(  # type: ignore[no-untyped-def]
    room: Room, console_page
) -> None:
    from playwright.sync_api import expect

    assert room.console.send("workshop:goto", {"position": 4})["ok"]
    cards = console_page.locator("#current-answers .answer-card")
    shown = console_page.locator("#answers-shown")
    expect(shown).to_have_text("Showing 50 of 2000 answers")
    expect(cards).to_have_count(50)

    console_page.locator("#answers-more").click()
    expect(cards).to_have_count(100)

    # Typing in the filter is never a shortcut: "n" does not move the room on.
    console_page.locator("#answers-filter").press_sequentially("hospitals councils")
    matching = [
        t for t in room.answers[4].values() if "hospitals" in t.lower() and "councils" in t.lower()
    ]
    assert 50 < len(matching) < 2000
    expect(shown).to_have_text(f"{len(matching)} of 2000 answers match (showing 50)")
    expect(cards).to_have_count(50)
    expect(console_page.locator("#current-number")).to_have_text("Question 5 of 8")
    for text in cards.locator(".answer-text").all_inner_texts():
        assert "hospitals" in text.lower() and "councils" in text.lower(), text
