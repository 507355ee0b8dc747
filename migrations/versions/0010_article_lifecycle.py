"""removed, restored and moved articles

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder, filled in by the work it is named for


def downgrade() -> None:
    pass
