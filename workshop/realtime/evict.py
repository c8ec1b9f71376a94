"""Closing a facilitator's open consoles when their rights end: at logout, at a password
change, and when they leave or are taken out of a team.

Until then a console socket keeps receiving the room: names, answers, the share
link. Each console joins its user's room (`rooms.user`), so this process finds
its own sockets there. With several processes (WORKSHOP_MESSAGE_QUEUE set), each
console is also recorded in Redis, sid to workshop; python-socketio forwards a
`disconnect(sid)` for a socket it does not hold to the process that does, so a
console open on another process closes too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import current_app

from ..extensions import socketio
from . import rooms
from .connections import connections

log = logging.getLogger(__name__)

NAMESPACE = "/"
# A console's record outlives no day without a join; a crashed process's stale sids
# only cost a disconnect message that no process acts on.
RECORD_SECONDS = 24 * 3600
_clients: dict[str, Any] = {}


def _redis() -> Any | None:
    url = current_app.config.get("MESSAGE_QUEUE")
    if not url:
        return None
    if url not in _clients:
        import redis

        # Bounded waits: a hung Redis must not hang a logout or a console's join.
        _clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return _clients[url]


def _key(user_id: int) -> str:
    # Per channel, like the broadcasts: deployments (and test runs) sharing one Redis
    # on channels of their own must not close each other's consoles.
    channel = current_app.config.get("MESSAGE_QUEUE_CHANNEL", "workshop")
    return f"workshop:consoles:{channel}:u{user_id}"


def console_opened(sid: str, user_id: int, workshop_id: int) -> None:
    """Record a console socket, so any process can close it later."""
    client = _redis()
    if client is None:
        return
    try:
        pipe = client.pipeline()
        pipe.hset(_key(user_id), sid, workshop_id)
        pipe.expire(_key(user_id), RECORD_SECONDS)
        pipe.execute()
    except Exception:  # the console works without it; only another process's logout misses it
        log.warning("could not record console %s of user %s in Redis", sid, user_id, exc_info=True)


def console_closed(sid: str, user_id: int) -> None:
    client = _redis()
    if client is None:
        return
    try:
        client.hdel(_key(user_id), sid)
    except Exception:  # a stale record only costs one disconnect message later
        log.warning("could not forget console %s in Redis", sid, exc_info=True)


def _recorded(user_id: int) -> dict[str, int]:
    client = _redis()
    if client is None:
        return {}
    try:
        return {k.decode(): int(v) for k, v in client.hgetall(_key(user_id)).items()}
    except Exception:
        log.warning("could not read the consoles of user %s from Redis", user_id, exc_info=True)
        return {}


def close_consoles(
    user_id: int, *, workshop_ids: Iterable[int] | None = None, reason: str, message: str
) -> int:
    """Tell the user's consoles why, then disconnect them; return how many were closed.

    With `workshop_ids`, only the consoles of those workshops close (a team left);
    without, all of them (the session ended).
    """
    only = None if workshop_ids is None else frozenset(workshop_ids)
    server = socketio.server
    targets: dict[str, int | None] = {
        sid: (binding.workshop_id if (binding := connections.get(sid)) else None)
        for sid, _ in server.manager.get_participants(NAMESPACE, rooms.user(user_id))
    }
    for sid, workshop_id in _recorded(user_id).items():
        targets.setdefault(sid, workshop_id)
    closed = 0
    for sid, workshop_id in targets.items():
        if only is not None and workshop_id not in only:
            continue
        # Sent first, on the same socket, so the page can say why rather than retry.
        socketio.emit("session:ended", {"reason": reason, "message": message}, to=sid)
        server.disconnect(sid, namespace=NAMESPACE)
        console_closed(sid, user_id)
        closed += 1
    return closed
