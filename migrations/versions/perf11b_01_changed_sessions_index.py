"""partial index on the sessions that differ from their rule (cancelled or moved), for the group feed

Revision ID: perf11b_01
Revises: search_01
Create Date: 2026-12-03 20:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "perf11b_01"
down_revision = "search_01"
branch_labels = None
depends_on = None

CHANGED = "status = 'cancelled' OR start <> original_start"


def upgrade():
    op.create_index(
        "ix_occurrences_changed",
        "occurrences",
        ["series_id", "original_start"],
        unique=False,
        sqlite_where=sa.text(CHANGED),
        postgresql_where=sa.text(CHANGED),
    )


def downgrade():
    op.drop_index("ix_occurrences_changed", table_name="occurrences")
