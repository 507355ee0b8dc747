"""the articles list: trouble shown, filtered, sorted

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# The last failed check of each article, as the checks table holds it.
LAST_ERROR = (
    "SELECT {column} FROM checks WHERE checks.article_id = articles.id AND checks.outcome = 'error' "
    "ORDER BY checks.checked_at DESC, checks.id DESC LIMIT 1"
)


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch): on SQLite a batch would copy the table and lose the expression
    # index of the lists' order (ix_articles_recent), which SQLite cannot reflect.
    op.add_column("articles", sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("articles", sa.Column("last_error_code", sa.String(length=64), nullable=True))
    op.add_column("articles", sa.Column("last_error_count", sa.Integer(), nullable=False, server_default="0"))
    # Articles that failed before keep showing it. How many checks in a row ended with that same
    # code is not worth replaying the history for: the current run of failures stands in for it.
    op.execute(
        "UPDATE articles SET "
        f"last_error_at = ({LAST_ERROR.format(column='checked_at')}), "
        f"last_error_code = ({LAST_ERROR.format(column='error_code')}), "
        "last_error_count = CASE WHEN failure_count > 0 THEN failure_count ELSE 1 END "
        "WHERE EXISTS (SELECT 1 FROM checks WHERE checks.article_id = articles.id AND checks.outcome = 'error')"
    )
    # The default only filled the rows already there; SQLite cannot drop it without copying the table.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("articles", "last_error_count", server_default=None)


def downgrade() -> None:
    for column in ("last_error_count", "last_error_code", "last_error_at"):
        op.drop_column("articles", column)
