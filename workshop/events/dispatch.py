"""One wrapper for every socket handler: validate, authorize, call, acknowledge.

Handlers raise DomainError for anything they refuse; this turns it into an
error acknowledgement, so no handler formats errors itself.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import request

from ..database import UNAVAILABLE, unavailable
from ..errors import DomainError, Forbidden, LimitReached, ValidationError
from ..extensions import db, socketio
from ..models import Workshop
from ..ratelimit import SlidingWindow, limits
from ..realtime.connections import Binding, Role, connections
from ..services import accounts
from .schema import Schema, validate

log = logging.getLogger(__name__)

Ack = dict[str, Any]


def ok(**result: Any) -> Ack:
    return {"ok": True, **result}


def failure(error: DomainError) -> Ack:
    return {"ok": False, "error": error.as_dict()}


def require(role: Role) -> Binding:
    """Return this socket's binding if it joined with `role` and still has the right.

    A facilitator's team membership is checked in the database on every event,
    so someone removed from the team loses control at once.
    """
    binding = connections.get(request.sid)  # type: ignore[attr-defined]
    if binding is None:
        raise Forbidden("Join a workshop before sending this.", code="not_joined")
    if binding.role is not role:
        raise Forbidden(f"Only the {role.value} can do this.")
    if role is Role.FACILITATOR:
        workshop = db.session.get(Workshop, binding.workshop_id)
        if workshop is None or not accounts.is_member(binding.user_id, workshop.team_id):
            raise Forbidden("You are not a member of the team that runs this workshop.")
    return binding


def _within_limit(binding: Binding, window: SlidingWindow) -> None:
    """Count the event against the person who sent it, never against a shared IP."""
    who = ("p", binding.participant_id) if binding.participant_id else ("u", binding.user_id)
    if not window.allow(*who):
        raise LimitReached(
            "You are sending faster than the workshop can take. Wait a few seconds.",
            code="rate_limited",
        )


def bind(binding: Binding) -> bool:
    """Bind this socket after a successful join; return whether a phone came online.

    Joining again with the same rights only refreshes the snapshot; one socket
    never serves two workshops or two roles.
    """
    sid: str = request.sid  # type: ignore[attr-defined]
    existing = connections.get(sid)
    if existing is not None:
        if existing != binding:
            raise Forbidden("This connection already belongs to another workshop; reload.")
        return False
    return connections.bind(sid, binding)


def handles(
    event: str, schema: Schema, role: Role | None = None, limit: SlidingWindow | None = None
) -> Callable[..., Any]:
    """Register a handler for `event` whose payload follows `schema`.

    With a `role`, the handler receives the socket's binding first, and the
    event counts against the sender's `limit` (by default the general one);
    without a role (the join events), the handler checks rights itself.
    """

    def decorate(handler: Callable[..., Ack]) -> Callable[..., Ack]:
        @functools.wraps(handler)
        def wrapper(*args: Any) -> Ack:
            try:
                if len(args) > 1:
                    raise ValidationError("Send one JSON object per message.")
                fields = validate(args[0] if args else None, schema)
                if role is None:
                    return handler(**fields)
                binding = require(role)
                _within_limit(binding, limit or limits.events)
                return handler(binding, **fields)
            except DomainError as error:
                db.session.rollback()
                return failure(error)
            except UNAVAILABLE as error:
                # A hung or unreachable database ends in a bounded wait (database.py):
                # the phone hears `unavailable`, retryable, and its outbox retries.
                return failure(unavailable(f"socket event {event}", error))
            except Exception:
                db.session.rollback()
                log.exception("socket event %s failed", event)
                return {
                    "ok": False,
                    "error": {
                        "code": "server_error",
                        "message": "Something went wrong; try again.",
                    },
                }

        socketio.on_event(event, wrapper)
        return wrapper

    return decorate
