"""Telegram, WhatsApp and SMS: people's verified channels, and outbox rows per channel

Revision ID: channels_01
Revises: bench_deploy_01
Create Date: 2026-12-03 19:10:00

"""

import sqlalchemy as sa
from alembic import op

import scheduler.db

# revision identifiers, used by Alembic.
revision = "channels_01"
down_revision = "bench_deploy_01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "channel_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=32), nullable=True),
        sa.Column("secret_hash", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("expires_at", scheduler.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("instead_of_email", sa.Boolean(), nullable=False),
        sa.Column("created_at", scheduler.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verified_at", scheduler.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("channel IN ('telegram', 'whatsapp', 'sms')", name=op.f("ck_channel_contacts_channel")),
        sa.CheckConstraint("status IN ('pending', 'verified')", name=op.f("ck_channel_contacts_status")),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_channel_contacts_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_contacts")),
        sa.UniqueConstraint("participant_id", "channel", name=op.f("uq_channel_contacts_participant_id")),
    )
    with op.batch_alter_table("channel_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_channel_contacts_address"), ["address"], unique=False)
        batch_op.create_index(batch_op.f("ix_channel_contacts_participant_id"), ["participant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_channel_contacts_secret_hash"), ["secret_hash"], unique=False)
    op.create_table(
        "channel_cursors",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_channel_cursors")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=12), server_default="email", nullable=False))
        batch_op.add_column(sa.Column("provider_ref", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("dispatched_at", scheduler.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_messages_provider_ref"), ["provider_ref"], unique=False)
        batch_op.create_check_constraint(
            op.f("ck_outbox_messages_channel"), "channel IN ('email', 'telegram', 'whatsapp', 'sms')"
        )


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_messages_channel"), type_="check")
        batch_op.drop_index(batch_op.f("ix_outbox_messages_provider_ref"))
        batch_op.drop_column("dispatched_at")
        batch_op.drop_column("provider_ref")
        batch_op.drop_column("channel")
    op.drop_table("channel_cursors")
    with op.batch_alter_table("channel_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_contacts_secret_hash"))
        batch_op.drop_index(batch_op.f("ix_channel_contacts_participant_id"))
        batch_op.drop_index(batch_op.f("ix_channel_contacts_address"))
    op.drop_table("channel_contacts")
