"""Sending what changed to the rooms that may see it.

Phones get the workshop's state, never other people's answers, so the traffic
to the room stays flat as the room grows.
"""

from __future__ import annotations

from ..extensions import socketio
from ..method import get_method
from ..models import Answer, CanvasField, Participant, Workshop
from ..services import canvas
from ..services.participation import RemovedAnswer
from . import rooms
from .connections import Role, connections
from .snapshots import (
    answer_view,
    answered_current,
    console_state,
    counts,
    field_view,
    own_answer_view,
    participant_view,
    phone_state,
    screen_state,
)


def publish_state(workshop: Workshop) -> None:
    """Send each audience its whole snapshot after the room has moved."""
    online = connections.online(workshop.id)
    socketio.emit(
        "state", console_state(workshop, online), to=rooms.audience(workshop.id, Role.FACILITATOR)
    )
    socketio.emit(
        "state", screen_state(workshop, online), to=rooms.audience(workshop.id, Role.SCREEN)
    )
    socketio.emit("state", phone_state(workshop), to=rooms.audience(workshop.id, Role.PHONE))


def _rooms(workshop: Workshop) -> tuple[str, str]:
    return (
        rooms.audience(workshop.id, Role.FACILITATOR),
        rooms.audience(workshop.id, Role.SCREEN),
    )


def _on_screen(workshop: Workshop, question_id: int) -> bool:
    """Return whether that question's answers are showing on the projector now."""
    question = workshop.current_question
    return question is not None and question.id == question_id and question.revealed


def _removed(answer: Answer | RemovedAnswer) -> dict[str, int]:
    return {"id": answer.id, "question_id": answer.question_id}


def publish_answer(workshop: Workshop, answer: Answer, *, skip_sid: str | None = None) -> None:
    """Send a new, edited or (un)hidden answer to the console and, if shown, the screen."""
    online = connections.online(workshop.id)
    live = counts(workshop, online)
    console, screen = _rooms(workshop)
    seq = workshop.seq
    socketio.emit("answer", {"answer": answer_view(answer), "counts": live, "seq": seq}, to=console)
    if _on_screen(workshop, answer.question_id):
        if answer.hidden:
            socketio.emit("answer_removed", _removed(answer), to=screen)
        else:
            socketio.emit("answer", {"answer": answer_view(answer, with_author=False)}, to=screen)
    socketio.emit("counts", {**live, "seq": seq}, to=screen)
    # The author's other tabs and devices stay in step with the one that sent it.
    socketio.emit(
        "my_answer",
        own_answer_view(answer),
        to=rooms.participant(answer.participant_id),
        skip_sid=skip_sid,
    )


def publish_answer_removed(
    workshop: Workshop, answer: RemovedAnswer, *, skip_sid: str | None = None
) -> None:
    """Tell the console, the screen and the author's other tabs that an answer is gone."""
    live = counts(workshop, connections.online(workshop.id))
    console, screen = _rooms(workshop)
    seq = workshop.seq
    socketio.emit("answer_removed", {**_removed(answer), "counts": live, "seq": seq}, to=console)
    if _on_screen(workshop, answer.question_id):
        socketio.emit("answer_removed", _removed(answer), to=screen)
    socketio.emit("counts", {**live, "seq": seq}, to=screen)
    socketio.emit(
        "my_answer_removed",
        _removed(answer),
        to=rooms.participant(answer.participant_id),
        skip_sid=skip_sid,
    )


def publish_presence(workshop: Workshop, person: Participant) -> None:
    """Tell the console and screen that someone joined, connected or left."""
    online = connections.online(workshop.id)
    live = counts(workshop, online)
    socketio.emit(
        "participant",
        {
            "participant": participant_view(person, online, answered_current(workshop)),
            "counts": live,
            "seq": workshop.seq,
        },
        to=rooms.audience(workshop.id, Role.FACILITATOR),
    )
    socketio.emit(
        "counts", {**live, "seq": workshop.seq}, to=rooms.audience(workshop.id, Role.SCREEN)
    )


def publish_field(workshop: Workshop, field: CanvasField) -> None:
    """Send a changed canvas field to every audience that shows the canvas."""
    spec = get_method(workshop.method_key).field(field.key)
    tally = canvas.tally(workshop.id, field.key)
    pinned = [a.id for a in canvas.pins(workshop.id).get(field.key, [])]
    console, screen = _rooms(workshop)
    seq, phone_seq = workshop.seq, workshop.phone_seq
    socketio.emit(
        "canvas_field", {"field": field_view(field, spec, tally, pinned), "seq": seq}, to=console
    )
    shared = field_view(field, spec, tally)
    socketio.emit("canvas_field", {"field": shared, "seq": seq}, to=screen)
    socketio.emit(
        "canvas_field",
        {"field": shared, "seq": phone_seq},
        to=rooms.audience(workshop.id, Role.PHONE),
    )


def publish_reactions(workshop: Workshop, field: str) -> None:
    """Send a field's live agree / concern tally to the console and the projector."""
    payload = {"field": field, "reactions": canvas.tally(workshop.id, field), "seq": workshop.seq}
    for room in _rooms(workshop):
        socketio.emit("reactions", payload, to=room)


def publish_merged(workshop: Workshop, answers: list[Answer]) -> None:
    """Send answers whose merge changed to the console, the only audience that groups them."""
    console, _ = _rooms(workshop)
    live = counts(workshop, connections.online(workshop.id))
    for answer in answers:
        socketio.emit(
            "answer",
            {"answer": answer_view(answer), "counts": live, "seq": workshop.seq},
            to=console,
        )
    # The projector shows no merges, but hears the change number so it sees no gap.
    socketio.emit("counts", {**live, "seq": workshop.seq}, to=_rooms(workshop)[1])
