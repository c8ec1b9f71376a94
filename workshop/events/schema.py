"""Checking the shape of socket payloads before anything else reads them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ValidationError
from ..text import encodable
from ..urls import ID_MAX


@dataclass(frozen=True, slots=True)
class Int:
    low: int
    high: int
    required: bool = True

    def check(self, name: str, value: Any) -> int | None:
        # bool is an int in Python; a JSON true is not a number here.
        if value is None and not self.required:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(f"'{name}' must be a whole number.")
        if not self.low <= value <= self.high:
            raise ValidationError(f"'{name}' must be from {self.low} to {self.high}.")
        return value


@dataclass(frozen=True, slots=True)
class Str:
    # A bound on the raw text, well above the domain's own limit, so that a huge
    # payload is refused before it is cleaned; the domain applies the real limit.
    longest: int
    required: bool = True

    def check(self, name: str, value: Any) -> str | None:
        if value is None and not self.required:
            return None
        if not isinstance(value, str):
            raise ValidationError(f"'{name}' must be text.")
        if len(value) > self.longest:
            raise ValidationError(
                f"'{name}' is {len(value)} characters long; the limit is {self.longest}.",
                code="too_long",
            )
        return encodable(value, label=f"'{name}'")


@dataclass(frozen=True, slots=True)
class Bool:
    required: bool = True

    def check(self, name: str, value: Any) -> bool | None:
        if value is None and not self.required:
            return None
        if not isinstance(value, bool):
            raise ValidationError(f"'{name}' must be true or false.")
        return value


@dataclass(frozen=True, slots=True)
class StrList:
    longest: int
    most: int
    required: bool = True

    def check(self, name: str, value: Any) -> list[str] | None:
        if value is None and not self.required:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(f"'{name}' must be a list of text.")
        if len(value) > self.most:
            raise ValidationError(f"'{name}' holds at most {self.most} items.")
        if any(len(item) > self.longest for item in value):
            raise ValidationError(
                f"Each item of '{name}' is at most {self.longest} characters.", code="too_long"
            )
        return [encodable(item, label=f"An item of '{name}'") for item in value]


@dataclass(frozen=True, slots=True)
class IdList:
    most: int

    def check(self, name: str, value: Any) -> list[int]:
        if not isinstance(value, list) or not all(
            isinstance(item, int) and not isinstance(item, bool) for item in value
        ):
            raise ValidationError(f"'{name}' must be a list of ids.")
        if len(value) > self.most:
            raise ValidationError(f"'{name}' holds at most {self.most} items.")
        if any(not 1 <= item <= _ID for item in value):
            raise ValidationError(f"Each item of '{name}' must be from 1 to {_ID}.")
        return list(value)


@dataclass(frozen=True, slots=True)
class Counts:
    """An object of whole numbers by id (JSON keys are text), at most `most` of them."""

    most: int

    def check(self, name: str, value: Any) -> dict[str, int]:
        if not isinstance(value, dict):
            raise ValidationError(f"'{name}' must be an object of counts by id.")
        if len(value) > self.most:
            raise ValidationError(f"'{name}' holds at most {self.most} entries.")
        if not all(
            isinstance(count, int) and not isinstance(count, bool) and 0 <= count <= 1000
            for count in value.values()
        ):
            raise ValidationError(f"Each count of '{name}' must be a whole number from 0.")
        return dict(value)


Rule = Int | Str | Bool | StrList | IdList | Counts
Schema = Mapping[str, Rule]
# The database's own bound (a 32-bit column on PostgreSQL), well under what a browser
# holds exactly (2**53); a larger number would overflow in the query as a server error.
_ID = ID_MAX


def ident(required: bool = True) -> Int:
    """Return the rule for a database id."""
    return Int(1, _ID, required)


def validate(payload: Any, schema: Schema) -> dict[str, Any]:
    """Return the payload's fields, checked against `schema`, or raise ValidationError."""
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise ValidationError("The message must be a JSON object.")
    unknown = sorted(str(key) for key in payload if key not in schema)
    if unknown:
        raise ValidationError(f"Unexpected field(s): {', '.join(unknown)[:200]}.")
    checked: dict[str, Any] = {}
    for name, rule in schema.items():
        if name not in payload and getattr(rule, "required", True):
            raise ValidationError(f"'{name}' is missing.")
        checked[name] = rule.check(name, payload.get(name))
    return checked
