"""when an article's failures began, and a per-site switch for robots.txt

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("extraction_rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("robots", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("extraction_rules", schema=None) as batch_op:
        batch_op.alter_column("robots", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("extraction_rules", schema=None) as batch_op:
        batch_op.drop_column("robots")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("failing_since")
