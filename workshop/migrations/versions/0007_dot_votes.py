"""Dot votes: a vote's items, each person's dots, and the vote every screen shows

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _owner(column: str, table: str) -> sa.Column:
    parent = sa.ForeignKey(f"{table}.id", ondelete="CASCADE")
    return sa.Column(column, sa.Integer(), parent, nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vote_id", sa.Integer(), nullable=True))
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner("workshop_id", "workshops"),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("dots", sa.Integer(), nullable=False),
        sa.Column("stack", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("results_hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_votes_workshop_id", "votes", ["workshop_id"])
    op.create_table(
        "vote_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner("vote_id", "votes"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.UniqueConstraint("vote_id", "position"),
    )
    op.create_index("ix_vote_items_vote_id", "vote_items", ["vote_id"])
    op.create_table(
        "dots",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner("vote_id", "votes"),
        _owner("item_id", "vote_items"),
        _owner("participant_id", "participants"),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("participant_id", "item_id"),
    )
    op.create_index("ix_dots_vote_id", "dots", ["vote_id"])
    op.create_index("ix_dots_participant_id", "dots", ["participant_id"])


def downgrade() -> None:
    op.drop_table("dots")
    op.drop_table("vote_items")
    op.drop_table("votes")
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_column("vote_id")
