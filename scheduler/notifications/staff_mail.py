"""Emails to staff (alerts to organizers and hosts), written in each person's own language."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from scheduler.auth.models import User
from scheduler.meetings.models import Occurrence, Series
from scheduler.notifications.models import OutboxMessage
from scheduler.notifications.outbox import OutgoingEmail, enqueue


def to_staff(
    user: User,
    *,
    kind: str,
    dedupe_key: str,
    subject: Any,
    template: str,
    series: Series,
    occurrence: Occurrence | None = None,
    **context: Any,
) -> OutboxMessage | None:
    """Queues one plain-text email; `subject` is a lazy string rendered in the recipient's language."""
    language = user.language if user.language in current_app.config["LANGUAGES"] else "en"
    with force_locale(language):
        subject_text = str(subject)
        body = render_template(template, user=user, series=series, group=series.group, **context)
    return enqueue(
        OutgoingEmail(
            kind=kind,
            dedupe_key=dedupe_key[:255],
            recipient_email=user.email,
            recipient_name=user.name,
            subject=subject_text[:255],
            body_text=body,
            language=language,
            group_id=series.group_id,
            series_id=series.id,
            occurrence_id=occurrence.id if occurrence is not None else None,
        )
    )
