"""store labels and change counts on versions

Versions stored before this revision get empty labels and counts; their diffs are still
computed on demand.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("labels", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column("change", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.alter_column("labels", server_default=None)
        batch_op.alter_column("change", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.drop_column("change")
        batch_op.drop_column("labels")
