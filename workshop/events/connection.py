"""Socket lifecycle: forgetting a socket when it goes, and telling the console."""

from __future__ import annotations

from flask import request

from ..extensions import db, socketio
from ..models import Participant
from ..realtime import evict
from ..realtime.connections import connections
from ..realtime.publish import publish_presence


@socketio.on("disconnect")
def on_disconnect(reason: object = None) -> None:
    """A socket closed; when a phone's last socket goes, the console sees it offline."""
    binding, went_offline = connections.unbind(request.sid)  # type: ignore[attr-defined]
    if binding is not None and binding.user_id is not None:
        evict.console_closed(request.sid, binding.user_id)  # type: ignore[attr-defined]
    if binding is None or not went_offline or binding.participant_id is None:
        return
    person = db.session.get(Participant, binding.participant_id)
    # A removed participant's socket closing is no news: the console has dropped them.
    if person is not None and person.removed_at is None:
        publish_presence(person.workshop, person)
