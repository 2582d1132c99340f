"""series.search_text: title and group name folded for case- and accent-insensitive search

Revision ID: search_01
Revises: chan17b_01
Create Date: 2026-12-03 20:20:00

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "search_01"
down_revision = "chan17b_01"
branch_labels = None
depends_on = None

BATCH = 500


def _fold(text: str) -> str:
    # A frozen copy of scheduler/meetings/search_text.fold (migrations do not import the app).
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(char for char in decomposed if not "\u0300" <= char <= "\u036f")
    return " ".join(unicodedata.normalize("NFC", kept).casefold().split())


def upgrade():
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.String(length=300), nullable=False, server_default=""))
    bind = op.get_bind()
    series = sa.table("series", sa.column("id"), sa.column("title"), sa.column("group_id"), sa.column("search_text"))
    groups = sa.table("groups", sa.column("id"), sa.column("name"))
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(series.c.id, series.c.title, groups.c.name)
            .join(groups, groups.c.id == series.c.group_id)
            .where(series.c.id > last_id)
            .order_by(series.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            series.update().where(series.c.id == sa.bindparam("row_id")).values(search_text=sa.bindparam("text")),
            [{"row_id": id_, "text": f"{_fold(title)} \n {_fold(name)}"[:300]} for id_, title, name in rows],
        )
        last_id = rows[-1][0]


def downgrade():
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_column("search_text")
