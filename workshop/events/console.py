"""Events the facilitator's console sends. Each changes the room; the unit of work publishes it."""

from __future__ import annotations

from flask import request
from flask_socketio import join_room

from .. import access
from ..extensions import socketio
from ..models import Workshop
from ..ratelimit import limits
from ..realtime import evict, rooms
from ..realtime.connections import Binding, Role, connections
from ..realtime.snapshots import console_state, wall_view
from ..services import facilitation, synthesis
from ..services.lookup import REMOVED
from .dispatch import Ack, bind, handles, ok
from .schema import Bool, Int, Str, ident

FACILITATOR = Role.FACILITATOR


@handles("console:join", {"workshop_id": ident()})
def join_console(workshop_id: int) -> Ack:
    """Sent by the console on load and on reconnect; answers with the console snapshot."""
    # A missing workshop and another team's read the same: a console cannot probe.
    workshop = access.facilitated(workshop_id)
    facilitator = access.user_id()
    assert facilitator is not None  # facilitated() found them a member of the team
    bind(Binding(workshop.id, FACILITATOR, user_id=facilitator))
    join_room(rooms.audience(workshop.id, FACILITATOR))
    # So logging out, or leaving the team, closes this console at once (realtime/evict.py).
    join_room(rooms.user(facilitator))
    evict.console_opened(request.sid, facilitator, workshop.id)  # type: ignore[attr-defined]
    return ok(state=console_state(workshop, connections.online(workshop.id)))


def _moved(workshop: Workshop) -> Ack:
    return ok(phase=workshop.phase, position=workshop.position)


@handles("workshop:start", {}, FACILITATOR)
def start(me: Binding) -> Ack:
    """Leave the lobby; every audience gets the first question."""
    return _moved(facilitation.start(me.workshop_id))


@handles("workshop:next", {}, FACILITATOR)
def next_question(me: Binding) -> Ack:
    """Move the room to the next question."""
    return _moved(facilitation.step(me.workshop_id, 1))


@handles("workshop:previous", {}, FACILITATOR)
def previous_question(me: Binding) -> Ack:
    """Move the room back one question."""
    return _moved(facilitation.step(me.workshop_id, -1))


@handles("workshop:goto", {"position": Int(0, 999)}, FACILITATOR)
def goto_question(me: Binding, position: int) -> Ack:
    """Jump the room to the question at `position` (0-based)."""
    return _moved(facilitation.goto(me.workshop_id, position))


@handles("workshop:end", {}, FACILITATOR)
def end(me: Binding) -> Ack:
    """End the workshop; phones are thanked, and a changed canvas is sealed first."""
    workshop, sealed = synthesis.finish(me.workshop_id)
    return ok(phase=workshop.phase, position=None, sealed=sealed.number if sealed else None)


@handles("answering:set", {"open": Bool()}, FACILITATOR)
def set_answering(me: Binding, open: bool) -> Ack:
    """Open or close answering on the current question."""
    return _moved(facilitation.set_answering(me.workshop_id, open))


@handles("answers:reveal", {"revealed": Bool()}, FACILITATOR)
def reveal(me: Binding, revealed: bool) -> Ack:
    """Show (or hide again) the current question's answers on the projector."""
    return _moved(facilitation.set_revealed(me.workshop_id, revealed))


@handles("wall:turn", {"by": Int(-50, 50)}, FACILITATOR, limit=limits.turns)
def turn_wall(me: Binding, by: int) -> Ack:
    """Turn the projector's answer wall forward (by > 0) or back some pages; it wraps round."""
    workshop = facilitation.turn_wall(me.workshop_id, by)
    return ok(wall=wall_view(workshop))


@handles("wall:rotate", {"seconds": Int(0, facilitation.WALL_ROTATE_MAX_SECONDS)}, FACILITATOR)
def rotate_wall(me: Binding, seconds: int) -> Ack:
    """Have the wall turn by itself every `seconds`, or (0) only on the facilitator's key."""
    workshop = facilitation.set_wall_rotation(me.workshop_id, seconds)
    return ok(wall=wall_view(workshop))


@handles("wall:show", {"show_as": Str(20)}, FACILITATOR)
def show_as(me: Binding, show_as: str) -> Ack:
    """Show the current question's revealed answers as cards ("answers") or a word cloud."""
    workshop = facilitation.show_answers_as(me.workshop_id, show_as)
    return ok(wall=wall_view(workshop))


@handles("cloud:hide_word", {"key": Str(200), "hidden": Bool()}, FACILITATOR)
def hide_word(me: Binding, key: str, hidden: bool) -> Ack:
    """Take a word out of the current question's cloud, by its key, or put it back."""
    workshop = facilitation.hide_word(me.workshop_id, key, hidden)
    return ok(wall=wall_view(workshop))


@handles("answer:spotlight", {"answer_id": ident(required=False)}, FACILITATOR)
def spotlight(me: Binding, answer_id: int | None) -> Ack:
    """Show one answer full-screen on the projector; `null` brings the wall back."""
    workshop = facilitation.set_spotlight(me.workshop_id, answer_id)
    return ok(wall=wall_view(workshop))


@handles("answer:hide", {"answer_id": ident(), "hidden": Bool()}, FACILITATOR)
def hide_answer(me: Binding, answer_id: int, hidden: bool) -> Ack:
    """Moderate one answer: hidden answers never reach the projector."""
    answer = facilitation.set_answer_hidden(me.workshop_id, answer_id, hidden)
    return ok(answer_id=answer.id, hidden=answer.hidden)


@handles("timer:start", {"seconds": Int(1, 24 * 3600)}, FACILITATOR)
def start_timer(me: Binding, seconds: int) -> Ack:
    """Start a countdown whose end every screen reads from the server's clock."""
    return _moved(facilitation.start_timer(me.workshop_id, seconds))


@handles("timer:stop", {}, FACILITATOR)
def stop_timer(me: Binding) -> Ack:
    """Cancel the countdown."""
    return _moved(facilitation.stop_timer(me.workshop_id))


@handles("workshop:lock_joining", {"locked": Bool()}, FACILITATOR)
def lock_joining(me: Binding, locked: bool) -> Ack:
    """Close the door to new participants, or open it again; people already in get back in."""
    workshop = facilitation.set_joining_locked(me.workshop_id, locked)
    return ok(joining_locked=workshop.joining_locked)


@handles("participant:remove", {"participant_id": ident()}, FACILITATOR)
def remove_participant(me: Binding, participant_id: int) -> Ack:
    """Remove a participant: their answers are hidden, and their phone is turned away."""
    person = facilitation.remove_participant(me.workshop_id, participant_id)
    limits.joins.give_back(person.id)  # a fake person removed no longer counts for its maker
    # Their open sockets in this process close; coming back is refused (`removed`), and
    # a socket elsewhere can no longer write (every write checks the removal). The
    # message reaches their pages on every process, which close their own connection.
    room = rooms.participant(person.id)
    socketio.emit("removed", {"code": "removed", "message": REMOVED}, to=room)
    for sid, _ in list(socketio.server.manager.get_participants("/", room)):
        socketio.server.disconnect(sid, namespace="/")
    return ok(participant_id=person.id)
