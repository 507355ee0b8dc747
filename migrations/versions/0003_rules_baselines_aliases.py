"""extraction rules, baseline versions, lead images and article aliases

Existing versions are not baselines.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("merged_article_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_aliases_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_aliases")),
        sa.UniqueConstraint("url", name=op.f("uq_article_aliases_url")),
    )
    with op.batch_alter_table("article_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_aliases_article_id"), ["article_id"], unique=False)

    op.create_table(
        "extraction_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("include", sa.JSON(), nullable=False),
        sa.Column("exclude", sa.JSON(), nullable=False),
        sa.Column("ignore", sa.JSON(), nullable=False),
        sa.Column("whole_page", sa.Boolean(), nullable=False),
        sa.Column("render", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_extraction_rules_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extraction_rules")),
        sa.UniqueConstraint("article_id", name=op.f("uq_extraction_rules_article_id")),
        sa.UniqueConstraint("host", name=op.f("uq_extraction_rules_host")),
    )
    op.create_table(
        "rule_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_rule_changes_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_changes")),
    )
    with op.batch_alter_table("rule_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_changes_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rule_changes_host"), ["host"], unique=False)

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("baseline_extractor", sa.String(length=128), nullable=True))

    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_image", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("baseline", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.alter_column("baseline", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.drop_column("baseline")
        batch_op.drop_column("lead_image")

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("baseline_extractor")

    with op.batch_alter_table("rule_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_changes_host"))
        batch_op.drop_index(batch_op.f("ix_rule_changes_article_id"))

    op.drop_table("rule_changes")
    op.drop_table("extraction_rules")
    with op.batch_alter_table("article_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_aliases_article_id"))

    op.drop_table("article_aliases")
