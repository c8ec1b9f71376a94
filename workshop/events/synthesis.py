"""Events that build the strategy canvas live: the console's edits and the phones' reactions."""

from __future__ import annotations

from collections.abc import Callable

from ..canvas import STATEMENT_MAX, VALUE_ITEM_MAX, VALUE_ITEMS_MAX
from ..errors import Stale
from ..method import get_method
from ..models import CanvasField
from ..realtime.connections import Binding, Role
from ..realtime.snapshots import epoch_ms, field_view
from ..services import canvas, synthesis
from ..services.lookup import workshop_by_id
from .dispatch import Ack, handles, ok
from .schema import Bool, Int, Str, StrList, ident

FACILITATOR = Role.FACILITATOR
_FIELD = Str(40)
_VERSION = Int(0, 2**31)


def console_field(workshop_id: int, key: str) -> dict[str, object]:
    workshop = workshop_by_id(workshop_id)
    field = canvas.fields(workshop)[key]
    pinned = [a.id for a in canvas.pins(workshop_id).get(key, [])]
    themes = canvas.theme_pin_ids(workshop_id).get(key, [])
    spec = get_method(workshop.method_key).field(key)
    return field_view(field, spec, canvas.tally(workshop_id, key), pinned, themes)


def _edit(me: Binding, key: str, change: Callable[[], CanvasField]) -> Ack:
    """Apply one canvas change (published as it commits); a stale edit gets the field as it is."""
    try:
        change()
    except Stale as stale:
        stale.details = {"field": console_field(me.workshop_id, key)}
        raise
    return ok(field=console_field(me.workshop_id, key))


@handles("workshop:synthesis", {}, FACILITATOR)
def open_synthesis(me: Binding) -> Ack:
    """Move the room from the questions to building the canvas; everyone sees it."""
    workshop = synthesis.open_synthesis(me.workshop_id)
    return ok(phase=workshop.phase)


@handles(
    "canvas:statement",
    {"field": _FIELD, "text": Str(STATEMENT_MAX * 2), "version": _VERSION},
    FACILITATOR,
)
def edit_statement(me: Binding, field: str, text: str, version: int) -> Ack:
    """Write a field's statement, against the version the console last saw."""
    return _edit(me, field, lambda: synthesis.edit_statement(me.workshop_id, field, text, version))


@handles("canvas:purpose", {"purpose": Str(20, required=False), "version": _VERSION}, FACILITATOR)
def set_purpose(me: Binding, purpose: str | None, version: int) -> Ack:
    """Mark the strategic purpose: viability, momentum, both, or nothing yet."""
    return _edit(me, "purpose", lambda: synthesis.set_purpose(me.workshop_id, purpose, version))


@handles(
    "canvas:values",
    {
        "facet": Str(10),
        "items": StrList(VALUE_ITEM_MAX * 2, VALUE_ITEMS_MAX),
        "version": _VERSION,
    },
    FACILITATOR,
)
def set_values(me: Binding, facet: str, items: list[str], version: int) -> Ack:
    """Replace our values, or those a partner must share."""
    return _edit(me, "values", lambda: synthesis.set_values(me.workshop_id, facet, items, version))


@handles("canvas:pin", {"field": _FIELD, "answer_id": ident(), "pinned": Bool()}, FACILITATOR)
def pin(me: Binding, field: str, answer_id: int, pinned: bool) -> Ack:
    """Pin an answer to a field as one it was drawn from, or unpin it."""
    return _edit(me, field, lambda: synthesis.set_pin(me.workshop_id, field, answer_id, pinned))


@handles("answers:merge", {"answer_id": ident(), "into_id": ident()}, FACILITATOR)
def merge(me: Binding, answer_id: int, into_id: int) -> Ack:
    """Fold a near-duplicate into another answer; the console groups them."""
    moved = synthesis.merge(me.workshop_id, answer_id, into_id)
    return ok(merged=[a.id for a in moved], into_id=moved[0].merged_into_id)


@handles("answers:unmerge", {"answer_id": ident()}, FACILITATOR)
def unmerge(me: Binding, answer_id: int) -> Ack:
    """Split a merged answer out again."""
    answer = synthesis.unmerge(me.workshop_id, answer_id)
    return ok(answer_id=answer.id)


@handles("canvas:seal", {}, FACILITATOR)
def seal(me: Binding) -> Ack:
    """Seal the canvas into its next numbered, dated version."""
    version = synthesis.seal(me.workshop_id)
    return ok(version={"number": version.number, "sealed_at": epoch_ms(version.sealed_at)})


@handles("canvas:react", {"field": _FIELD, "reaction": Str(10, required=False)}, Role.PHONE)
def react(me: Binding, field: str, reaction: str | None) -> Ack:
    """A phone agrees with, has a concern about, or withdraws from a field's statement."""
    assert me.participant_id is not None
    reacted = synthesis.react(me.workshop_id, me.participant_id, field, reaction)
    return ok(field=field, reaction=reacted.kind, reactions=reacted.tally)
