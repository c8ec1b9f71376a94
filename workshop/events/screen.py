"""Events the projector sends. The projector only listens: it joins and nothing more."""

from __future__ import annotations

from flask_socketio import join_room

from ..realtime import rooms
from ..realtime.connections import Binding, Role, connections
from ..realtime.snapshots import screen_state
from ..services.lookup import workshop_by_screen_token
from .dispatch import Ack, bind, handles, ok
from .schema import Str


@handles("screen:join", {"token": Str(100)})
def join_screen(token: str) -> Ack:
    """Sent by the projector page on load and reconnect; answers with the screen snapshot."""
    workshop = workshop_by_screen_token(token)
    bind(Binding(workshop.id, Role.SCREEN))
    join_room(rooms.audience(workshop.id, Role.SCREEN))
    return ok(state=screen_state(workshop, connections.online(workshop.id)))
