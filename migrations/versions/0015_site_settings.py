"""settings an administrator changes at run time

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder, filled in by the work it is named for


def downgrade() -> None:
    pass
