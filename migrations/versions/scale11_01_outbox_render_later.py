"""outbox rows the email job renders (sign-up emails leave the request unrendered)

Revision ID: scale11_01
Revises: api_tokens_01
Create Date: 2026-12-03 19:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "scale11_01"
down_revision = "api_tokens_01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("render_args", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("render_args")
