"""archive backfill: version sources, backfill queue, captures

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backfills",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("captures_found", sa.Integer(), nullable=False),
        sa.Column("versions_added", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("last_error_code", sa.String(length=64), nullable=True),
        sa.Column("last_error_message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_backfills_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_backfills")),
    )
    op.create_index("ix_backfills_due", "backfills", ["state", "due_at"], unique=False)
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("memento", sa.Text(), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_captures_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captures")),
        sa.UniqueConstraint("article_id", "key_hash", name=op.f("uq_captures_article_id_key_hash")),
    )
    op.create_index(op.f("ix_captures_article_id"), "captures", ["article_id"], unique=False)
    # Plain ADD COLUMNs (no batch): on SQLite a batch copies the table and loses what SQLite cannot
    # reflect: the expression index ix_articles_recent, and the search triggers on versions.
    # Articles and users already there default to backfill on, so that `tracker backfill --all` can
    # fill in the past of what is tracked; versions already there are live ones.
    op.add_column("articles", sa.Column("backfill", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column("articles", sa.Column("first_number", sa.Integer(), server_default="1", nullable=False))
    op.add_column(
        "users", sa.Column("backfill_default", sa.Boolean(), server_default=sa.true(), nullable=False)
    )
    op.add_column("versions", sa.Column("source", sa.String(length=8), server_default="live", nullable=False))
    op.add_column("versions", sa.Column("memento", sa.Text(), nullable=True))


def downgrade() -> None:
    # Plain SQL for the same reason: Alembic drops a column on SQLite by copying the table.
    for table, column in (
        ("versions", "memento"),
        ("versions", "source"),
        ("users", "backfill_default"),
        ("articles", "first_number"),
        ("articles", "backfill"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_index(op.f("ix_captures_article_id"), table_name="captures")
    op.drop_table("captures")
    op.drop_index("ix_backfills_due", table_name="backfills")
    op.drop_table("backfills")
