"""Typed SQLAlchemy models: workshops, questions, participants, answers and the canvas."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .phases import Phase, Pointer


def utcnow() -> datetime:
    """Return the current time in UTC, without tzinfo, as the database stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


class User(db.Model):
    """A facilitator's account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so an address is one account however it is typed.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of every login session and remember cookie: bumped at logout and at a
    # password change, it ends every session the user had until then.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login's protocol.
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        # The session and remember cookies carry the version; access.load_user checks it.
        return f"{self.id}:{self.session_version}"


class Team(db.Model):
    """The owner of workshops and canvases; its members run them together."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="Membership.id"
    )


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    team: Mapped[Team] = relationship(back_populates="memberships")


class Invite(db.Model):
    """A link that lets whoever is logged in join a team, until it expires or is revoked."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(default=False)

    team: Mapped[Team] = relationship()


class Workshop(db.Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    join_code: Mapped[str] = mapped_column(String(6), unique=True)
    screen_token: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(120))
    method_key: Mapped[str] = mapped_column(String(40))
    # The pointer: where the room is. Only phases.py decides how it moves.
    phase: Mapped[str] = mapped_column(String(20), default=Phase.LOBBY.value)
    position: Mapped[int | None]
    answering_open: Mapped[bool] = mapped_column(default=False)
    timer_ends_at: Mapped[datetime | None]
    timer_seconds: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # Bumped in the same transaction as every change (see database.py): clients
    # that see a gap in the numbers ask for a fresh snapshot. Phones count only
    # the changes phones are sent.
    seq: Mapped[int] = mapped_column(default=0, server_default="0")
    phone_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    # The read-only share link of the canvas; None once revoked. Never the join code.
    share_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A workshop opened to revise an earlier canvas starts from that version.
    # (Kept as a plain reference: a version may outlive or predate this workshop.)
    seeded_from_version_id: Mapped[int | None]
    # The facilitator can close the door: no new participant joins while it is set.
    joining_locked: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The projector's answer wall (reset when the room moves): how many pages the
    # facilitator has turned, how often it turns by itself (0: never), and the one
    # answer shown full-screen. A plain reference: the view checks it still applies.
    wall_page: Mapped[int] = mapped_column(default=0, server_default="0")
    wall_rotate_seconds: Mapped[int] = mapped_column(default=0, server_default="0")
    spotlight_answer_id: Mapped[int | None]
    # The dot vote every screen shows now (open, or closed with its results); a plain
    # reference, cleared when the facilitator takes the vote off the screens.
    vote_id: Mapped[int | None]

    team: Mapped[Team] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="workshop", order_by="Question.position", cascade="all, delete-orphan"
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="workshop", order_by="Participant.id", cascade="all, delete-orphan"
    )
    canvas_fields: Mapped[list[CanvasField]] = relationship(
        order_by="CanvasField.id", cascade="all, delete-orphan"
    )
    versions: Mapped[list[CanvasVersion]] = relationship(
        order_by="CanvasVersion.number", cascade="all, delete-orphan"
    )

    @property
    def pointer(self) -> Pointer:
        return Pointer(Phase(self.phase), self.position)

    @pointer.setter
    def pointer(self, value: Pointer) -> None:
        self.phase = value.phase.value
        self.position = value.position

    @property
    def current_question(self) -> Question | None:
        if not self.pointer.on_question:
            return None
        return self.questions[self.position]  # type: ignore[index]


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("workshop_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(40))
    section: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(String(300))
    hint: Mapped[str] = mapped_column(String(600))
    field: Mapped[str] = mapped_column(String(40))
    facet: Mapped[str | None] = mapped_column(String(20))
    revealed: Mapped[bool] = mapped_column(default=False)
    # How the projector shows the revealed answers: "answers" (the wall) or "cloud".
    show_as: Mapped[str] = mapped_column(String(10), default="answers", server_default="answers")
    # Cloud terms (their keys, workshop/words.py) the facilitator took out of the cloud.
    hidden_words: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")

    workshop: Mapped[Workshop] = relationship(back_populates="questions")


class Participant(db.Model):
    __tablename__ = "participants"
    __table_args__ = (
        # A phone that joins over its socket sends a key of its own: a retried join
        # (the acknowledgement was lost) finds the person it made, never a second one.
        Index("ux_participants_join_key", "workshop_id", "join_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    # None means the person chose to join anonymously.
    name: Mapped[str | None] = mapped_column(String(40))
    join_key: Mapped[str | None] = mapped_column(String(64))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the facilitator removes the person: their answers are hidden, their
    # phone is turned away and they no longer count in the room.
    removed_at: Mapped[datetime | None]

    workshop: Mapped[Workshop] = relationship(back_populates="participants")

    @property
    def display_name(self) -> str:
        return self.name or "Anonymous"


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (
        # A retried send carries the same client key and is stored once.
        UniqueConstraint("participant_id", "client_key"),
        Index("ix_answers_workshop_question", "workshop_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(default=False)
    # A near-duplicate merged by the facilitator points at the answer it joined.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", ondelete="SET NULL"), index=True
    )
    client_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moved only when the author edits the text, so "edited" means what it says.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    participant: Mapped[Participant] = relationship()
    question: Mapped[Question] = relationship()

    @property
    def edited(self) -> bool:
        return self.updated_at > self.created_at


class CanvasField(db.Model):
    """The live statement of one canvas field, with a version for safe concurrent edits."""

    __tablename__ = "canvas_fields"
    __table_args__ = (UniqueConstraint("workshop_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    statement: Mapped[str] = mapped_column(Text, default="")
    # Strategic purpose only: viability, momentum or both.
    purpose: Mapped[str | None] = mapped_column(String(20))
    # Values only: {"ours": [...], "shared": [...]}.
    items: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
    # Bumped on every change; an edit made against an older version is refused.
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Pin(db.Model):
    """An answer the facilitator drew a canvas field from."""

    __tablename__ = "pins"
    __table_args__ = (UniqueConstraint("workshop_id", "field", "answer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(40))
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    answer: Mapped[Answer] = relationship()


class Reaction(db.Model):
    """A participant's agree or concern on one field's statement; one per field."""

    __tablename__ = "reactions"
    __table_args__ = (UniqueConstraint("participant_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CanvasVersion(db.Model):
    """A sealed, numbered copy of the canvas: the document as it stood then."""

    __tablename__ = "canvas_versions"
    __table_args__ = (UniqueConstraint("workshop_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    sealed_at: Mapped[datetime] = mapped_column(default=utcnow)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class Theme(db.Model):
    """A group of similar answers: suggested by the grouping engine, or accepted.

    A theme gathers the answers of one scope: a question ("question:12") or every
    question that feeds a canvas field ("field:motivation"). An answer is in at most one
    theme per scope (ThemeMember).
    """

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(120))
    # "suggested" until the facilitator accepts it; suggesting again replaces only those.
    status: Mapped[str] = mapped_column(String(10), default="suggested")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[ThemeMember]] = relationship(
        back_populates="theme", order_by="ThemeMember.id", cascade="all, delete-orphan"
    )


class ThemeMember(db.Model):
    __tablename__ = "theme_members"
    __table_args__ = (
        # One theme per answer within a scope: moving an answer never leaves a copy behind.
        UniqueConstraint("workshop_id", "scope", "answer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(60))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)

    theme: Mapped[Theme] = relationship(back_populates="members")
    answer: Mapped[Answer] = relationship()


class ThemePin(db.Model):
    """A theme pinned to a canvas field as one source: every answer in it is traced."""

    __tablename__ = "theme_pins"
    __table_args__ = (UniqueConstraint("workshop_id", "field", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(40))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    theme: Mapped[Theme] = relationship()


class Vote(db.Model):
    """A dot vote: each person spreads a few dots over the items; the most dotted lead."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    # What is voted on: "themes", "answers" (of a question) or "statements" (drafted
    # for a field by the facilitator).
    kind: Mapped[str] = mapped_column(String(12))
    # The canvas field the vote informs (where its results are shown).
    field: Mapped[str] = mapped_column(String(40))
    dots: Mapped[int] = mapped_column(default=3)
    # Whether several of one person's dots may go on one item.
    stack: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # The console may keep the results off the projector until the vote closes.
    results_hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    items: Mapped[list[VoteItem]] = relationship(
        back_populates="vote", order_by="VoteItem.position", cascade="all, delete-orphan"
    )


class VoteItem(db.Model):
    __tablename__ = "vote_items"
    __table_args__ = (UniqueConstraint("vote_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    # The item's words as voted on: a theme's name or an answer's text, kept as they were.
    label: Mapped[str] = mapped_column(Text)
    # The theme or answer it stands for (a plain reference: either may change later).
    ref_id: Mapped[int | None]

    vote: Mapped[Vote] = relationship(back_populates="items")


class Dot(db.Model):
    """How many of one person's dots are on one item; a person's dots are replaced whole."""

    __tablename__ = "dots"
    __table_args__ = (UniqueConstraint("participant_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("vote_items.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    count: Mapped[int]
