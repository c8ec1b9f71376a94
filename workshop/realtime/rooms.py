"""Socket.IO room names. Only the server puts a socket in a room."""

from __future__ import annotations

from .connections import Role


def audience(workshop_id: int, role: Role) -> str:
    """Return the room of one audience of a workshop: its consoles, screens or phones."""
    return f"w{workshop_id}:{role.value}"


def participant(participant_id: int) -> str:
    """Return the room of one participant's own sockets (a phone may have two tabs)."""
    return f"p{participant_id}"


def user(user_id: int) -> str:
    """Return the room of one facilitator's console sockets, closed when their session ends."""
    return f"u{user_id}"
