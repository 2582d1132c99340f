"""statuses are enums stored as strings: the database refuses any other value

Revision ID: view_toolkit_01
Revises: fe3f5accc672
Create Date: 2026-12-03 16:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "view_toolkit_01"
down_revision = "fe3f5accc672"
branch_labels = None
depends_on = None

# (table, column, the members of its enum when this migration was written)
CHECKS = [
    ("series", "status", ("draft", "published", "cancelled")),
    ("occurrences", "status", ("scheduled", "cancelled")),
    ("video_rooms", "status", ("pending", "ready", "failed", "deleted")),
    ("attendance", "status", ("present", "absent", "excused")),
    ("outbox_messages", "status", ("pending", "sending", "sent", "failed", "cancelled")),
    ("rsvps", "scope", ("series", "occurrence")),
    ("rsvps", "status", ("pending", "awaiting_approval", "active", "declined", "cancelled", "removed")),
    ("seats", "status", ("confirmed", "waitlisted", "offered", "skipped", "released")),
]


def upgrade():
    for table, column, members in CHECKS:
        values = ", ".join(f"'{member}'" for member in members)
        with op.batch_alter_table(table) as batch_op:  # SQLite adds a CHECK by rebuilding the table
            batch_op.create_check_constraint(op.f(f"ck_{table}_{column}"), f"{column} IN ({values})")


def downgrade():
    for table, column, _members in reversed(CHECKS):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
