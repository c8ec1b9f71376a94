"""A hidden answer pinned as a source stays off everything the public sees: the share
page and its Markdown and JSON files. The facilitator's own canvas lists it, marked."""

from __future__ import annotations

import json

from tests.integration.test_synthesis import _seal, _share, synthesis  # noqa: F401

HIDDEN = "Reach into the schools market"  # pinned, then hidden by the facilitator
SHOWN = "Know-how on cold chains"  # pinned, and stays visible


def _pin_two_and_hide_one(console, sent) -> None:  # type: ignore[no-untyped-def]
    hidden, shown = sent[0]
    assert (hidden["text"], shown["text"]) == (HIDDEN, SHOWN)
    for answer in (hidden, shown):
        ack = console.send(
            "canvas:pin", {"field": "motivation", "answer_id": answer["id"], "pinned": True}
        )
        assert ack["ok"], ack
    assert console.send("answer:hide", {"answer_id": hidden["id"], "hidden": True})["ok"]


def _public_views(room) -> list[str]:  # type: ignore[no-untyped-def]
    token = _share(room)
    reader = room.app.test_client()
    return [
        reader.get(f"/c/{token}{path}").get_data(as_text=True)
        for path in ("", "/canvas.md", "/canvas.json")
    ]


def test_a_hidden_pinned_answer_is_left_out_of_the_shared_draft_and_its_files(synthesis) -> None:  # noqa: F811
    room, console, _, _, sent, _ = synthesis
    _pin_two_and_hide_one(console, sent)

    page, md, raw = _public_views(room)

    for shown in (page, md, raw):
        assert SHOWN in shown
        assert HIDDEN not in shown
    [motivation] = [f for f in json.loads(raw)["fields"] if f["key"] == "motivation"]
    assert [s["text"] for s in motivation["sources"]] == [SHOWN]


def test_an_answer_hidden_after_sealing_leaves_the_shared_version_too(synthesis) -> None:  # noqa: F811
    room, console, _, _, sent, _ = synthesis
    hidden, shown = sent[0]
    for answer in (hidden, shown):
        console.send(
            "canvas:pin", {"field": "motivation", "answer_id": answer["id"], "pinned": True}
        )
    _seal(console, "vision", "Fresh food", 0)
    assert console.send("answer:hide", {"answer_id": hidden["id"], "hidden": True})["ok"]

    page, md, raw = _public_views(room)

    assert "Version 1" in page
    for shown_text in (page, md, raw):
        assert SHOWN in shown_text and HIDDEN not in shown_text


def test_the_facilitators_own_canvas_lists_the_hidden_source_marked_hidden(synthesis) -> None:  # noqa: F811
    room, console, _, _, sent, _ = synthesis
    _pin_two_and_hide_one(console, sent)

    html = room.facilitator_browser.get(f"/workshops/{room.workshop_id}/canvas").get_data(
        as_text=True
    )

    hidden_item = html[html.index(HIDDEN) - 200 : html.index(HIDDEN) + 300]
    assert 'class="is-hidden-source"' in hidden_item and "Hidden</span>" in hidden_item
    assert SHOWN in html
