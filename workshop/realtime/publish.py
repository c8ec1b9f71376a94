"""Sending what changed to the rooms that may see it.

Phones get the workshop's state, never other people's answers, so the traffic
to the room stays flat as the room grows.
"""

from __future__ import annotations

from ..extensions import socketio
from ..models import Answer, Participant, Workshop
from ..services.participation import RemovedAnswer
from . import rooms
from .connections import Role, connections
from .snapshots import (
    answer_view,
    answered_current,
    console_state,
    counts,
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
    socketio.emit("answer", {"answer": answer_view(answer), "counts": live}, to=console)
    if _on_screen(workshop, answer.question_id):
        if answer.hidden:
            socketio.emit("answer_removed", _removed(answer), to=screen)
        else:
            socketio.emit("answer", {"answer": answer_view(answer, with_author=False)}, to=screen)
    socketio.emit("counts", live, to=screen)
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
    socketio.emit("answer_removed", {**_removed(answer), "counts": live}, to=console)
    if _on_screen(workshop, answer.question_id):
        socketio.emit("answer_removed", _removed(answer), to=screen)
    socketio.emit("counts", live, to=screen)
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
        },
        to=rooms.audience(workshop.id, Role.FACILITATOR),
    )
    socketio.emit("counts", live, to=rooms.audience(workshop.id, Role.SCREEN))
