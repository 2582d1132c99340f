"""reminder offsets and unsubscribes

Revision ID: de148ff958cb
Revises: 615a04bf4dcc
Create Date: 2026-11-22 04:47:24.074013

"""
from alembic import op
import sqlalchemy as sa

import scheduler.db


# revision identifiers, used by Alembic.
revision = 'de148ff958cb'
down_revision = '615a04bf4dcc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminder_optouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('created_at', scheduler.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_reminder_optouts_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_reminder_optouts_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_optouts')),
    sa.UniqueConstraint('participant_id', 'series_id', name=op.f('uq_reminder_optouts_participant_id'))
    )
    with op.batch_alter_table('reminder_optouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_optouts_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_optouts_series_id'), ['series_id'], unique=False)

    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_offsets_minutes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_column('reminder_offsets_minutes')

    with op.batch_alter_table('reminder_optouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_optouts_series_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_optouts_participant_id'))

    op.drop_table('reminder_optouts')
