"""Change counters for conditional GETs of public pages; indexes for the hot session queries

Revision ID: scale_pages_01
Revises: view_toolkit_01
Create Date: 2026-12-03 17:00:00

"""

import sqlalchemy as sa
from alembic import op

import scheduler.db

revision = "scale_pages_01"
down_revision = "view_toolkit_01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "change_counters",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", scheduler.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_change_counters")),
    )
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.create_index("ix_occurrences_series_start", ["series_id", "start"], unique=False)


def downgrade():
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_index("ix_occurrences_series_start")
    op.drop_table("change_counters")
