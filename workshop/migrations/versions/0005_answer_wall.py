"""The answer wall: the projector's page, its rotation, a spotlit answer, and word clouds

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wall_page", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("wall_rotate_seconds", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("spotlight_answer_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("show_as", sa.String(length=10), server_default="answers", nullable=False)
        )
        batch_op.add_column(
            sa.Column("hidden_words", sa.JSON(), server_default="[]", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("hidden_words")
        batch_op.drop_column("show_as")
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_column("spotlight_answer_id")
        batch_op.drop_column("wall_rotate_seconds")
        batch_op.drop_column("wall_page")
