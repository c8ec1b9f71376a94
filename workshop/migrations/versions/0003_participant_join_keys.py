"""A join key per participant, so a join retried over the socket is made once

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("join_key", sa.String(length=64), nullable=True))
        batch_op.create_index("ux_participants_join_key", ["workshop_id", "join_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index("ux_participants_join_key")
        batch_op.drop_column("join_key")
