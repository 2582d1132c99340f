"""A change counter for what the public pages show, so a conditional GET is answered without building a page.

Every flush that adds, changes or deletes a group, a meeting, a speaker or a session (or renames a user, who may
be a host) bumps the `schedule` counter
in the same transaction (one upsert). A page's ETag is built from the counter, so it changes exactly when the
data behind the page may have changed; reading it is one primary-key lookup.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite

from scheduler import clock
from scheduler.auth.models import User
from scheduler.db import UTCDateTime
from scheduler.extensions import db
from scheduler.meetings.models import Group, Occurrence, Series, Speaker

SCHEDULE = "schedule"
_WATCHED = (Group, Series, Speaker, Occurrence)


class ChangeCounter(db.Model):
    """How many times (and when last) something behind a family of pages changed."""

    __tablename__ = "change_counters"

    scope: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    value: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)


def current(scope: str = SCHEDULE) -> tuple[int, datetime | None]:
    """The counter's value and the time of the last change (0, None before the first change)."""
    row = db.session.execute(
        sa.select(ChangeCounter.value, ChangeCounter.changed_at).where(ChangeCounter.scope == scope)
    ).first()
    return (int(row[0]), row[1]) if row else (0, None)


def bump(session: so.Session, scope: str = SCHEDULE) -> None:
    now = clock.now()
    table = ChangeCounter.__table__
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(scope=scope, value=1, changed_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["scope"], set_={"value": table.c.value + 1, "changed_at": now}
    )
    session.connection().execute(statement)


@sa.event.listens_for(so.Session, "before_flush")
def _bump_on_change(session: so.Session, flush_context: Any, instances: Any) -> None:
    watched = [obj for obj in (*session.new, *session.deleted) if isinstance(obj, _WATCHED)]
    if watched or any(_shown_change(session, obj) for obj in session.dirty):
        bump(session)


def _shown_change(session: so.Session, obj: object) -> bool:
    if isinstance(obj, User):  # hosts' names are shown; sign-ins and settings are not
        return bool(sa.inspect(obj).attrs.name.history.has_changes())
    return isinstance(obj, _WATCHED) and session.is_modified(obj)
