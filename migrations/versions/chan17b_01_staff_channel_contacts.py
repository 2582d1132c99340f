"""staff members' own Telegram chat or verified number for the channel test message

Revision ID: chan17b_01
Revises: scale11_01
Create Date: 2026-12-03 20:20:00

"""

import sqlalchemy as sa
from alembic import op

import scheduler.db

# revision identifiers, used by Alembic.
revision = "chan17b_01"
down_revision = "scale11_01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_channel_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=32), nullable=True),
        sa.Column("secret_hash", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("expires_at", scheduler.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", scheduler.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verified_at", scheduler.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "channel IN ('telegram', 'whatsapp', 'sms')", name=op.f("ck_staff_channel_contacts_channel")
        ),
        sa.CheckConstraint("status IN ('pending', 'verified')", name=op.f("ck_staff_channel_contacts_status")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_staff_channel_contacts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_channel_contacts")),
        sa.UniqueConstraint("user_id", "channel", name=op.f("uq_staff_channel_contacts_user_id")),
    )
    with op.batch_alter_table("staff_channel_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_channel_contacts_address"), ["address"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_channel_contacts_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_channel_contacts_secret_hash"), ["secret_hash"], unique=False)


def downgrade():
    with op.batch_alter_table("staff_channel_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_channel_contacts_secret_hash"))
        batch_op.drop_index(batch_op.f("ix_staff_channel_contacts_user_id"))
        batch_op.drop_index(batch_op.f("ix_staff_channel_contacts_address"))
    op.drop_table("staff_channel_contacts")
