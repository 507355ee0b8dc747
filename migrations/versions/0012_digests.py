"""digests instead of one message per change

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        # Existing endpoints keep sending each event alone.
        batch_op.add_column(sa.Column("delivery", sa.String(length=8), server_default="each", nullable=False))
        batch_op.add_column(sa.Column("digest_hour", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("digest_weekday", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False))
        batch_op.add_column(sa.Column("digest_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_digest_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_webhooks_next_digest_at"), ["next_digest_at"], unique=False)


def downgrade() -> None:
    # Events held for a digest would wait forever once digests are gone: send them one by one.
    op.execute("UPDATE deliveries SET status = 'pending' WHERE status = 'held'")
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhooks_next_digest_at"))
        batch_op.drop_column("next_digest_at")
        batch_op.drop_column("digest_since")
        batch_op.drop_column("timezone")
        batch_op.drop_column("digest_weekday")
        batch_op.drop_column("digest_hour")
        batch_op.drop_column("delivery")
