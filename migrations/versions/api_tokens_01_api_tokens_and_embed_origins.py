"""personal API tokens; origins allowed to embed a group's schedule

Revision ID: api_tokens_01
Revises: channels_01
Create Date: 2026-12-03 19:30:00

"""

import sqlalchemy as sa
from alembic import op

import scheduler.db

# revision identifiers, used by Alembic.
revision = "api_tokens_01"
down_revision = "channels_01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=12), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("created_at", scheduler.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", scheduler.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", scheduler.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("scope IN ('read', 'write')", name=op.f("ck_api_tokens_scope")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("embed_origins", sa.String(length=1000), nullable=True))


def downgrade():
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_column("embed_origins")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))
    op.drop_table("api_tokens")
