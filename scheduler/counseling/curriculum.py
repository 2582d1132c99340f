"""A topic per session ("Week 3: thought records"), stored in Occurrence.topic, which the manage page and the
reminders show. Services flush; callers commit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, Series
from scheduler.rules import RuleError

TOPIC_MAX = 200
SHOWN = 60


def sessions(series: Series) -> list[Occurrence]:
    """The sessions whose topic can be edited: from two weeks ago on, in order."""
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            .where(Occurrence.series_id == series.id, Occurrence.end > clock.now() - timedelta(days=14))
            .order_by(Occurrence.start, Occurrence.id)
            .limit(SHOWN)
        )
    )


def set_topics(series: Series, topics: Mapping[int, str]) -> int:
    """Sets the topics of the given sessions (blank clears one). Returns how many changed."""
    by_id = {o.id: o for o in db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id == series.id))}
    unknown = [occurrence_id for occurrence_id in topics if occurrence_id not in by_id]
    if unknown:
        raise RuleError({"sessions": [str(_l("One of these sessions does not belong to this meeting."))]})
    changed = 0
    for occurrence_id, raw in topics.items():
        topic = " ".join((raw or "").split())
        if len(topic) > TOPIC_MAX:
            raise RuleError({"sessions": [str(_l("A topic can be at most %(num)s characters long.", num=TOPIC_MAX))]})
        occurrence = by_id[occurrence_id]
        if (occurrence.topic or "") != topic:
            occurrence.topic = topic or None
            changed += 1
    db.session.flush()
    return changed
