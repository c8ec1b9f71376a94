"""Hardening: session versions, a lockable door, removable participants, missing indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:40:00

Snapshot counts filter answers on their question alone, merges look up the
answers merged into one, and deleting an answer looks up its pins: each now
has an index instead of a scan of every workshop's rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("joining_locked", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index("ix_answers_question_id", ["question_id"])
        batch_op.create_index("ix_answers_merged_into_id", ["merged_into_id"])
    with op.batch_alter_table("pins", schema=None) as batch_op:
        batch_op.create_index("ix_pins_answer_id", ["answer_id"])


def downgrade() -> None:
    with op.batch_alter_table("pins", schema=None) as batch_op:
        batch_op.drop_index("ix_pins_answer_id")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_merged_into_id")
        batch_op.drop_index("ix_answers_question_id")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("removed_at")
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_column("joining_locked")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
