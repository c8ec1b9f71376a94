"""The values step as a word cloud on the projector: the room's words, largest the most used."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.pages import PROJECTOR
from tests.server.live_server import LiveClient, fresh_workshop, live_console, phone_client

VALUES = ["Trust", "trust", "Honesty", "A partner we can trust", "Respect"]

# Once every word has glided to its place: each word drawn, its box, and whether any two
# overlap or one leaves the cloud.
SETTLED = (
    "() => !document.querySelector('.cloud-word.is-new') && document.getAnimations().length === 0"
)

pytestmark = [pytest.mark.browser, pytest.mark.server]
WORDS = """() => {
  const cloud = document.getElementById('answer-cloud');
  const area = cloud.getBoundingClientRect();
  const words = [...cloud.querySelectorAll('.cloud-word:not([hidden])')].map((node) => {
    const r = node.getBoundingClientRect();
    return {text: node.textContent, size: parseFloat(node.style.fontSize),
            box: [r.left, r.top, r.right, r.bottom]};
  });
  const overlapping = words.some((a, i) => words.slice(i + 1).some((b) =>
    a.box[0] < b.box[2] && b.box[0] < a.box[2] && a.box[1] < b.box[3] && b.box[1] < a.box[3]));
  const outside = words.some((w) => w.box[0] < area.left - 1 || w.box[1] < area.top - 1
    || w.box[2] > area.right + 1 || w.box[3] > area.bottom + 1);
  return {words, overlapping, outside,
          list: [...document.querySelectorAll('#cloud-list li')].map((li) => li.textContent)};
}"""


@dataclass
class Room:
    workshop_id: int
    console: LiveClient
    phones: list[LiveClient]
    question_id: int
    projector: object


@pytest.fixture
def room(browser, live_url: str) -> Iterator[Room]:  # type: ignore[no-untyped-def]
    """The room on its first values question, five phones answered, the cloud revealed."""
    facilitator, workshop_id, code = fresh_workshop(live_url, "Values")
    console = live_console(live_url, facilitator, workshop_id)
    questions = console.send("console:join", {"workshop_id": workshop_id})["state"]["questions"]
    values = next(q for q in questions if q["section"] == "values")
    phones = [phone_client(live_url, code, workshop_id, f"P{n}") for n in range(len(VALUES))]
    assert console.send("workshop:start")["ok"]
    assert console.send("workshop:goto", {"position": values["position"]})["ok"]
    for client, text in zip(phones, VALUES, strict=True):
        ack = client.send("answer:submit", {"question_id": values["id"], "text": text})
        assert ack["ok"], ack
    page = facilitator.get(f"{live_url}/workshops/{workshop_id}/console", timeout=5).text
    token = page.split("/screen/", 1)[1].split('"', 1)[0]
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(f"{live_url}/screen/{token}")
    assert console.send("answers:reveal", {"revealed": True})["ok"]
    yield Room(workshop_id, console, phones, values["id"], projector)
    projector.context.close()
    for client in (console, *phones):
        client.close()


def test_the_values_show_as_a_cloud_the_most_used_largest(room: Room, shots: Path) -> None:
    from playwright.sync_api import expect

    pager = room.projector.locator("#wall-pager-text")
    expect(pager).to_have_text("4 words from 5 answers")
    room.projector.wait_for_function(SETTLED)
    drawn = room.projector.evaluate(WORDS)

    sizes = {w["text"]: w["size"] for w in drawn["words"]}
    assert set(sizes) == {"trust", "honesty", "respect", "partner"}
    assert sizes["trust"] == max(sizes.values()) > sizes["honesty"]
    room.projector.screenshot(path=str(shots / "projector-cloud.png"))
    assert not drawn["overlapping"] and not drawn["outside"], drawn
    assert drawn["list"][0] == "trust: 3 answers"
    expect(room.projector.locator("#answer-wall")).to_be_hidden()


def test_a_new_answer_grows_its_word_in_place(room: Room) -> None:
    from playwright.sync_api import expect

    expect(room.projector.locator("#wall-pager-text")).to_have_text("4 words from 5 answers")
    room.projector.wait_for_function(SETTLED)
    before = room.projector.evaluate(WORDS)

    ack = room.phones[0].send("answer:submit", {"question_id": room.question_id, "text": "Care"})
    assert ack["ok"], ack

    expect(room.projector.locator("#wall-pager-text")).to_have_text("5 words from 6 answers")
    room.projector.wait_for_function(SETTLED)
    after = room.projector.evaluate(WORDS)
    assert "care" in {w["text"] for w in after["words"]}
    assert not after["overlapping"]
    # The words already there, at the same size, have not moved.
    kept = {w["text"]: w["box"] for w in before["words"]}
    for word in after["words"]:
        if word["text"] in kept and word["size"] == next(
            w["size"] for w in before["words"] if w["text"] == word["text"]
        ):
            assert word["box"] == kept[word["text"]], word


def test_a_word_the_facilitator_takes_out_leaves_the_projector(room: Room) -> None:
    from playwright.sync_api import expect

    expect(room.projector.locator("#wall-pager-text")).to_have_text("4 words from 5 answers")
    state = room.console.send("console:join", {"workshop_id": room.workshop_id})["state"]
    key = next(w["key"] for w in state["cloud"]["words"] if w["label"] == "respect")

    assert room.console.send("cloud:hide_word", {"key": key, "hidden": True})["ok"]

    expect(room.projector.locator("#wall-pager-text")).to_have_text("3 words from 5 answers")
    expect(room.projector.locator(".cloud-word", has_text="respect")).to_have_count(0)
