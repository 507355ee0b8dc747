"""removed, restored and moved articles

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # When an article became gone: gone articles are checked every TRACKER_GONE_INTERVAL for
    # TRACKER_GONE_FOR, then daily. Articles already gone have none and count as gone long ago.
    # A plain ADD COLUMN (no batch): on SQLite a batch would copy the table and lose the expression
    # index of the lists' order (ix_articles_recent), which SQLite cannot reflect.
    op.add_column("articles", sa.Column("gone_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "lifecycle_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("final_url", sa.String(length=2048), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_lifecycle_events_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_events")),
    )
    with op.batch_alter_table("lifecycle_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lifecycle_events_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lifecycle_events_occurred_at"), ["occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lifecycle_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lifecycle_events_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_lifecycle_events_article_id"))
    op.drop_table("lifecycle_events")
    op.drop_column("articles", "gone_since")  # plain DROP COLUMN (SQLite 3.35+), as above
