"""Themes: groups of similar answers, their members, and themes pinned to canvas fields

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 13:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _workshop() -> sa.Column:
    workshops = sa.ForeignKey("workshops.id", ondelete="CASCADE")
    return sa.Column("workshop_id", sa.Integer(), workshops, nullable=False)


def _theme() -> sa.Column:
    return sa.Column(
        "theme_id", sa.Integer(), sa.ForeignKey("themes.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workshop(),
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_themes_workshop_id", "themes", ["workshop_id"])
    op.create_table(
        "theme_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workshop(),
        sa.Column("scope", sa.String(length=60), nullable=False),
        _theme(),
        sa.Column(
            "answer_id",
            sa.Integer(),
            sa.ForeignKey("answers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.UniqueConstraint("workshop_id", "scope", "answer_id"),
    )
    op.create_index("ix_theme_members_theme_id", "theme_members", ["theme_id"])
    op.create_index("ix_theme_members_answer_id", "theme_members", ["answer_id"])
    op.create_table(
        "theme_pins",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workshop(),
        sa.Column("field", sa.String(length=40), nullable=False),
        _theme(),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("workshop_id", "field", "theme_id"),
    )
    op.create_index("ix_theme_pins_theme_id", "theme_pins", ["theme_id"])


def downgrade() -> None:
    op.drop_table("theme_pins")
    op.drop_table("theme_members")
    op.drop_table("themes")
