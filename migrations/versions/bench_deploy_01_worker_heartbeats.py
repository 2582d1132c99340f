"""worker heartbeats for /healthz

Revision ID: bench_deploy_01
Revises: scale_pages_01
Create Date: 2026-12-03 16:30:00

"""

import sqlalchemy as sa
from alembic import op

import scheduler.db

# revision identifiers, used by Alembic.
revision = "bench_deploy_01"
down_revision = "scale_pages_01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("beat_at", scheduler.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker", name=op.f("pk_worker_heartbeats")),
    )
    with op.batch_alter_table("worker_heartbeats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_heartbeats_beat_at"), ["beat_at"], unique=False)


def downgrade():
    with op.batch_alter_table("worker_heartbeats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_heartbeats_beat_at"))
    op.drop_table("worker_heartbeats")
