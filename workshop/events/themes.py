"""Events of the facilitator's themes: suggest, then accept, rename, merge, split, move, pin.

Every event answers with the scope's themes as they now stand (the other consoles get
them as a `themes` message); suggesting, splitting and fitting group answers in a
worker thread, counted against the facilitator's grouping limit.
"""

from __future__ import annotations

from ..ratelimit import limits
from ..realtime.connections import Binding, Role
from ..realtime.theme_views import scope_view
from ..services import themes
from ..themes import LABEL_MAX, MOVE_MAX, parse_scope
from .dispatch import Ack, handles, ok
from .schema import Bool, IdList, Int, Str, ident
from .synthesis import console_field

FACILITATOR = Role.FACILITATOR
_SCOPE = Str(60)
# Finer (below 0) or coarser (above 0), in steps of half the engine's range.
_STEPS = Int(-2, 2, required=False)
_LABEL = Str(LABEL_MAX * 2)


def _scope(me: Binding, scope: str) -> Ack:
    return ok(**scope_view(me.workshop_id, scope))


@handles(
    "themes:suggest", {"scope": _SCOPE, "granularity": _STEPS}, FACILITATOR, limit=limits.groupings
)
def suggest(me: Binding, scope: str, granularity: int | None) -> Ack:
    """Group the scope's answers that no accepted theme holds into suggested themes."""
    themes.suggest(me.workshop_id, scope, (granularity or 0) / 2)
    return _scope(me, parse_scope(scope).key)


@handles("themes:fit", {"scope": _SCOPE}, FACILITATOR, limit=limits.fits)
def fit(me: Binding, scope: str) -> Ack:
    """Offer the answers in no theme to the accepted themes they fit; nothing changes."""
    offers = themes.fit(me.workshop_id, scope)
    return ok(offers=[{"theme_id": o.theme_id, "answer_ids": o.answer_ids} for o in offers])


@handles("theme:accept", {"theme_id": ident()}, FACILITATOR)
def accept(me: Binding, theme_id: int) -> Ack:
    """Keep a suggested theme."""
    return _scope(me, themes.accept(me.workshop_id, theme_id).scope)


@handles("theme:rename", {"theme_id": ident(), "label": _LABEL}, FACILITATOR)
def rename(me: Binding, theme_id: int, label: str) -> Ack:
    """Name a theme in the facilitator's words."""
    return _scope(me, themes.rename(me.workshop_id, theme_id, label).scope)


@handles("theme:dismiss", {"theme_id": ident()}, FACILITATOR)
def dismiss(me: Binding, theme_id: int) -> Ack:
    """Take a theme away: its answers are in no theme again."""
    return _scope(me, themes.dismiss(me.workshop_id, theme_id))


@handles("theme:merge", {"theme_id": ident(), "into_id": ident()}, FACILITATOR)
def merge(me: Binding, theme_id: int, into_id: int) -> Ack:
    """Put one theme's answers into another."""
    return _scope(me, themes.merge(me.workshop_id, theme_id, into_id).scope)


@handles("theme:split", {"theme_id": ident()}, FACILITATOR, limit=limits.groupings)
def split(me: Binding, theme_id: int) -> Ack:
    """Split a theme into the finer themes its answers make."""
    found = themes.split(me.workshop_id, theme_id)
    return _scope(me, found[0].scope)


@handles(
    "theme:move",
    {
        "scope": _SCOPE,
        "answer_ids": IdList(MOVE_MAX),
        "theme_id": ident(required=False),
        "label": Str(LABEL_MAX * 2, required=False),
    },
    FACILITATOR,
)
def move(
    me: Binding, scope: str, answer_ids: list[int], theme_id: int | None, label: str | None
) -> Ack:
    """Move answers into a theme, into a new theme named `label`, or out of every theme."""
    themes.move(me.workshop_id, scope, answer_ids, theme_id, label)
    return _scope(me, parse_scope(scope).key)


@handles("theme:pin", {"field": Str(40), "theme_id": ident(), "pinned": Bool()}, FACILITATOR)
def pin(me: Binding, field: str, theme_id: int, pinned: bool) -> Ack:
    """Pin a theme to a canvas field as one source (it is accepted), or unpin it."""
    theme = themes.pin(me.workshop_id, field, theme_id, pinned)
    return ok(**scope_view(me.workshop_id, theme.scope), field=console_field(me.workshop_id, field))
