"""How a dot vote looks to each audience: phones get the items, never the results."""

from __future__ import annotations

from typing import Any

from ..models import Vote, Workshop
from ..services import votes
from ..votes import OPEN

Payload = dict[str, Any]


def _base(vote: Vote) -> Payload:
    return {
        "id": vote.id,
        "title": vote.title,
        "kind": vote.kind,
        "field": vote.field,
        "dots": vote.dots,
        "stack": vote.stack,
        "status": vote.status,
    }


def phone_vote(workshop: Workshop) -> Payload | None:
    """Return the vote on the screens as every phone shows it: its items, never results.

    A closed vote keeps its items, so a phone opened after the close can still say
    where its own dots went.
    """
    vote = votes.current(workshop)
    if vote is None:
        return None
    gone = votes.withdrawn_items(vote)
    items = [{"id": i.id, "label": i.label} for i in vote.items if i.id not in gone]
    return {**_base(vote), "items": items}


Counted = tuple[list[votes.Ranked], int, set[int]]


def counted(vote: Vote) -> Counted:
    """Return a vote's results once: its ranked items, its voters, its withdrawn items."""
    ranked, voters = votes.results(vote)
    return ranked, voters, votes.withdrawn_items(vote)


def results_view(
    vote: Vote,
    *,
    with_results: bool = True,
    room: bool = False,
    tally: Counted | None = None,
) -> Payload:
    """Return a vote with its items, most dotted first, and its totals (the console's).

    For the room (`room`: the projector), an item whose answer is no longer shown is
    left out; the console keeps it, marked `withdrawn`. `tally` is the vote's
    `counted`, when the caller has it already.
    """
    ranked, voters, gone = tally or counted(vote)
    if room:
        ranked = [r for r in ranked if r.item.id not in gone]
    view = _base(vote)
    view["results_hidden"] = vote.results_hidden
    view["voters"] = voters
    if with_results:
        view["cast"] = sum(r.dots for r in ranked)
        view["items"] = [
            {
                "id": r.item.id,
                "label": r.item.label,
                "ref_id": r.item.ref_id,
                "dots": r.dots,
                "voters": r.voters,
                **({"withdrawn": True} if r.item.id in gone else {}),
            }
            for r in ranked
        ]
    else:  # the projector before the close: what is voted on, in its order, and the turnout
        view["items"] = [
            {"id": item.id, "label": item.label} for item in vote.items if item.id not in gone
        ]
    return view


def _screen_view(vote: Vote, tally: Counted) -> Payload:
    hidden = vote.results_hidden and vote.status == OPEN
    return results_view(vote, with_results=not hidden, room=True, tally=tally)


def console_vote(workshop: Workshop) -> Payload | None:
    vote = votes.current(workshop)
    return results_view(vote) if vote is not None else None


def screen_vote(workshop: Workshop) -> Payload | None:
    """Return the vote on the projector: results live, unless kept back until the close."""
    vote = votes.current(workshop)
    return _screen_view(vote, counted(vote)) if vote is not None else None


def live_results(workshop: Workshop) -> tuple[Payload, Payload] | None:
    """Return the vote on the screens as the console and as the projector see it, counted
    once (the coalesced `vote_results`)."""
    vote = votes.current(workshop)
    if vote is None:
        return None
    tally = counted(vote)
    return results_view(vote, tally=tally), _screen_view(vote, tally)


def console_votes(workshop_id: int) -> list[Payload]:
    """Return every vote of the workshop with its results, oldest first."""
    return [results_view(vote) for vote in votes.all_votes(workshop_id)]


def current_of(workshop: Workshop, every: list[Payload]) -> Payload | None:
    """Return the vote on the screens from the workshop's votes already viewed."""
    return next((view for view in every if view["id"] == workshop.vote_id), None)


def own_dots_view(workshop: Workshop, participant_id: int) -> Payload | None:
    vote = votes.current(workshop)
    if vote is None:
        return None
    placed = votes.own_dots(vote, participant_id)
    return {"vote_id": vote.id, "dots": {str(item): count for item, count in placed.items()}}
