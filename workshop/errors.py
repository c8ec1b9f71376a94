"""Domain errors: each carries a stable code for clients and a message for people."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses. `code` is stable; `message` is for people."""

    code = "invalid"
    status = 400

    def __init__(
        self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, Any]:
        """Return the error as it travels in an acknowledgement."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return error


class ValidationError(DomainError):
    """The payload or form data is malformed, empty or too long."""

    code = "invalid"


class NotFound(DomainError):
    """The thing asked for does not exist, or the caller may not know it exists."""

    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The caller's role does not allow this action."""

    code = "forbidden"
    status = 403


class TransitionError(DomainError):
    """The workshop cannot move that way from where it is."""

    code = "invalid_transition"
    status = 409


class Closed(DomainError):
    """Answering is closed for that question."""

    code = "answering_closed"
    status = 409


class LimitReached(DomainError):
    """The caller hit a limit, such as the number of answers per question."""

    code = "limit_reached"
    status = 429


class Stale(DomainError):
    """The edit was made against a version of the field that has since changed."""

    code = "stale"
    status = 409


class Unavailable(DomainError):
    """A service the request needs (the database) did not answer in time; retrying is safe."""

    code = "unavailable"
    status = 503
