"""The workshop methods the product ships with, as plain data.

A method is a list of canvas fields and an ordered list of questions, each
feeding one field. Adding another method means adding another `Method` value to
`METHODS`; no code path depends on a particular method.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Section(StrEnum):
    """The parts of a method, shown to the room as the workshop moves on."""

    SELF = "self"
    WORLD = "world"
    VALUES = "values"


SECTION_LABELS: dict[Section, str] = {
    Section.SELF: "Questions of Self",
    Section.WORLD: "Questions of the World",
    Section.VALUES: "Values",
}


@dataclass(frozen=True, slots=True)
class CanvasField:
    """One box of the strategy canvas."""

    key: str
    label: str
    summary: str


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """One question the room answers, and the canvas field its answers feed."""

    key: str
    section: Section
    prompt: str
    hint: str
    field: str
    # Values keep two lists on the canvas: ours, and those a partner must share.
    facet: str | None = None


@dataclass(frozen=True, slots=True)
class Method:
    """A complete workshop template."""

    key: str
    name: str
    summary: str
    fields: tuple[CanvasField, ...]
    questions: tuple[QuestionSpec, ...]

    def field(self, key: str) -> CanvasField:
        """Return the canvas field with this key."""
        for field in self.fields:
            if field.key == key:
                return field
        raise KeyError(key)


SELF_AND_WORLD = Method(
    key="self-and-world",
    name="Partnership strategy: Self and World",
    summary=(
        "Look inward before looking for partners: four questions about us, two about "
        "the change we want to make, then the values we hold and expect a partner to hold."
    ),
    fields=(
        CanvasField("motivation", "Motivation", "What partnering means to us, in plain terms."),
        CanvasField(
            "purpose",
            "Strategic purpose",
            "Viability (we cannot do it alone) or momentum (partners make it last).",
        ),
        CanvasField("must_haves", "The gap to fill", "The must-haves a partnership has to bring."),
        CanvasField("can_dos", "How far we will go", "The can-dos: what we will give and share."),
        CanvasField("sphere", "Sphere of impact", "Where partnering should make a difference."),
        CanvasField("vision", "Vision", "The change we want to see in that sphere."),
        CanvasField("values", "Values", "What we stand for, and what a partner must share."),
    ),
    questions=(
        QuestionSpec(
            key="meaning",
            section=Section.SELF,
            prompt="What does partnering mean for us?",
            hint=(
                "Reach into a new market, know-how we lack, credibility, sharing the load, "
                "more of what we already do well? Say which meaning fits us."
            ),
            field="motivation",
        ),
        QuestionSpec(
            key="why",
            section=Section.SELF,
            prompt="Why does partnering matter to our strategy?",
            hint=(
                "Could we reach our goals at all without partners, or would partners make "
                "our work stick and spread? Are we getting started or growing?"
            ),
            field="purpose",
        ),
        QuestionSpec(
            key="have-and-lack",
            section=Section.SELF,
            prompt="What do we already bring, and what are we missing?",
            hint=(
                "Be honest about our own strengths and gaps before picturing any partner. "
                "The gaps we cannot live with become our must-haves."
            ),
            field="must_haves",
        ),
        QuestionSpec(
            key="give-and-bend",
            section=Section.SELF,
            prompt="What will we invest, and where will we compromise?",
            hint=(
                "Time, money, people and know-how, and the harder things: sharing the lead, "
                "letting a partner shape our plans, speaking up for them."
            ),
            field="can_dos",
        ),
        QuestionSpec(
            key="where",
            section=Section.WORLD,
            prompt="Where should our partnerships make a difference?",
            hint=(
                "A place, a sector, or one lever in a larger system. The smaller the arena, "
                "the fewer partners it takes to move it."
            ),
            field="sphere",
        ),
        QuestionSpec(
            key="what-change",
            section=Section.WORLD,
            prompt="What change do we want to see there?",
            hint=(
                "Name the need, and what working together could do about it. Aim high, "
                "but keep it to one clear picture."
            ),
            field="vision",
        ),
        QuestionSpec(
            key="our-values",
            section=Section.VALUES,
            prompt="What do we stand for as a partner?",
            hint=(
                "The values that show in how we decide, sell, look after customers and "
                "treat the people we work with."
            ),
            field="values",
            facet="ours",
        ),
        QuestionSpec(
            key="shared-values",
            section=Section.VALUES,
            prompt="Which values must a partner share with us?",
            hint=(
                "Which of our values are not up for negotiation? Think of how a partner "
                "runs its business, its sales and its culture day to day."
            ),
            field="values",
            facet="shared",
        ),
    ),
)

METHODS: dict[str, Method] = {SELF_AND_WORLD.key: SELF_AND_WORLD}
DEFAULT_METHOD = SELF_AND_WORLD.key


def get_method(key: str) -> Method:
    """Return the method with this key, or raise KeyError."""
    return METHODS[key]
