"""watchlist tags and notes, invites, private feed keys, feed sources, canonical URL index

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_users_feed_key"), ["feed_key"])
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tags", sa.JSON(), nullable=True))
    with op.batch_alter_table("articles", schema=None) as batch_op:  # bulk import looks articles up by it
        batch_op.create_index(batch_op.f("ix_articles_canonical_url"), ["canonical_url"], unique=False)

    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_by", sa.Integer(), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_invites_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["used_by"], ["users.id"], name=op.f("fk_invites_used_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invites_code_hash")),
    )
    op.create_table(
        "feed_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("etag", sa.String(length=512), nullable=True),
        sa.Column("last_modified", sa.String(length=128), nullable=True),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("last_error_code", sa.String(length=64), nullable=True),
        sa.Column("last_error_message", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_feed_sources_url")),
    )
    with op.batch_alter_table("feed_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_sources_next_check_at"), ["next_check_at"], unique=False)
    op.create_table(
        "feed_follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("include", sa.JSON(), nullable=False),
        sa.Column("exclude", sa.JSON(), nullable=False),
        sa.Column("max_age_days", sa.Integer(), nullable=True),
        sa.Column("stop_after_days", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feed_sources.id"], name=op.f("fk_feed_follows_feed_id_feed_sources"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_feed_follows_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_follows")),
        sa.UniqueConstraint("user_id", "feed_id", name=op.f("uq_feed_follows_user_id_feed_id")),
    )
    with op.batch_alter_table("feed_follows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_follows_feed_id"), ["feed_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feed_follows_user_id"), ["user_id"], unique=False)
    op.create_table(
        "feed_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("link", sa.String(length=2048), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_feed_entries_article_id_articles"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feed_sources.id"], name=op.f("fk_feed_entries_feed_id_feed_sources"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_entries")),
        sa.UniqueConstraint("feed_id", "key_hash", name=op.f("uq_feed_entries_feed_id_key_hash")),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("feed_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_subscriptions_feed_id"), ["feed_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_subscriptions_feed_id_feed_sources"), "feed_sources", ["feed_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_subscriptions_feed_id_feed_sources"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_subscriptions_feed_id"))
        batch_op.drop_column("feed_id")
        batch_op.drop_column("note")
        batch_op.drop_column("tags")
    op.drop_table("feed_entries")
    with op.batch_alter_table("feed_follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_follows_user_id"))
        batch_op.drop_index(batch_op.f("ix_feed_follows_feed_id"))
    op.drop_table("feed_follows")
    with op.batch_alter_table("feed_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_sources_next_check_at"))
    op.drop_table("feed_sources")
    op.drop_table("invites")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_canonical_url"))
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.drop_column("tags")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_feed_key"), type_="unique")
        batch_op.drop_column("feed_key")
