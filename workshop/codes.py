"""Join codes and secret tokens."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L: nothing a person can misread on a projector or mistype on a phone.
JOIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_LENGTH = 6
_STRIP = re.compile(r"[\s\-_.]")


def new_join_code() -> str:
    """Return a random join code."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))


def normalise_join_code(raw: str) -> str | None:
    """Return the code as stored, or None when it cannot be a join code.

    People type codes in lower case, with spaces or a dash in the middle; all of
    that is accepted.
    """
    code = _STRIP.sub("", raw).upper()
    if len(code) != JOIN_LENGTH or any(ch not in JOIN_ALPHABET for ch in code):
        return None
    return code


def new_token() -> str:
    """Return an unguessable token for links such as the projector's."""
    return secrets.token_urlsafe(24)
