"""sessions that can be ended: a per-user generation

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder, filled in by the work it is named for


def downgrade() -> None:
    pass
