"""Events of dot votes: the console opens, closes and shows them; phones place dots."""

from __future__ import annotations

from ..canvas import STATEMENT_MAX
from ..realtime.connections import Binding, Role
from ..realtime.vote_views import console_vote
from ..services import votes
from ..services.lookup import workshop_by_id
from ..votes import DOTS_MAX, ITEMS_MAX, STATEMENTS_MAX, TITLE_MAX
from .dispatch import Ack, handles, ok
from .schema import Bool, Counts, Int, Str, StrList, ident

FACILITATOR = Role.FACILITATOR


def _current(me: Binding) -> Ack:
    return ok(vote=console_vote(workshop_by_id(me.workshop_id)))


@handles(
    "vote:open",
    {
        "kind": Str(12),
        "scope": Str(60, required=False),
        "field": Str(40, required=False),
        "statements": StrList(STATEMENT_MAX * 2, STATEMENTS_MAX * 2, required=False),
        "dots": Int(1, DOTS_MAX, required=False),
        "stack": Bool(required=False),
        "results_hidden": Bool(required=False),
        "title": Str(TITLE_MAX * 2, required=False),
    },
    FACILITATOR,
)
def open_vote(
    me: Binding,
    kind: str,
    scope: str | None,
    field: str | None,
    statements: list[str] | None,
    dots: int | None,
    stack: bool | None,
    results_hidden: bool | None,
    title: str | None,
) -> Ack:
    """Open a dot vote on a scope's themes or a question's answers, or on drafted statements."""
    votes.open_vote(
        me.workshop_id,
        kind,
        scope=scope,
        field=field,
        statements=statements,
        dots=dots,
        stack=bool(stack),
        results_hidden=bool(results_hidden),
        title=title,
    )
    return _current(me)


@handles("vote:close", {}, FACILITATOR)
def close_vote(me: Binding) -> Ack:
    """Close the open vote; its results show everywhere."""
    votes.close_vote(me.workshop_id)
    return _current(me)


@handles("vote:results", {"shown": Bool()}, FACILITATOR)
def show_results(me: Binding, shown: bool) -> Ack:
    """Show the vote's results on the projector as they come, or only once it closes."""
    votes.show_results(me.workshop_id, shown)
    return _current(me)


@handles("vote:clear", {}, FACILITATOR)
def clear_vote(me: Binding) -> Ack:
    """Take the vote off every screen; its results are kept with the workshop."""
    votes.clear_vote(me.workshop_id)
    return ok(vote=None)


@handles("vote:dots", {"vote_id": ident(), "dots": Counts(ITEMS_MAX)}, Role.PHONE)
def place_dots(me: Binding, vote_id: int, dots: dict[str, int]) -> Ack:
    """Place this phone's dots: the whole allocation, replacing the one before."""
    assert me.participant_id is not None
    placed = votes.place(me.workshop_id, me.participant_id, vote_id, dots)
    return ok(vote_id=vote_id, dots={str(item): count for item, count in placed.items()})
