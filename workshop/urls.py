"""URL converters: ids in addresses are checked before any query sees them."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

# Ids are 32-bit integer columns on PostgreSQL (and fit SQLite's 64): a larger number
# in an address would overflow in the database and fail as a server error.
ID_MAX = 2**31 - 1


class IdConverter(BaseConverter):
    """`<id:workshop_id>`: a database id, 1 to ID_MAX, written without sign or leading zero."""

    regex = r"[1-9][0-9]{0,9}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValidationError()  # no such route: a 404, like any id that does not exist
        return number

    def to_url(self, value: object) -> str:
        return str(int(value))  # type: ignore[call-overload]


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
