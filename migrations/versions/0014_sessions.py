"""sessions that can be ended: a per-user generation

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN with a default fills the rows already there on both databases, without
    # copying the table. Sessions signed in before carry no generation and end once (sign in again).
    op.add_column("users", sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+), as 0013: a batch would copy the users table, which others
    # reference with ON DELETE CASCADE.
    op.drop_column("users", "session_generation")
