"""Emails to staff (alerts to organizers and hosts), written in each person's own language."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l

from scheduler.auth.models import User
from scheduler.integrations import messages
from scheduler.integrations.models import VideoRoom
from scheduler.meetings import permissions
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


def video_room_alert(room: VideoRoom, *, reason: str, event_key: str) -> None:
    """Tells each organizer of the room's group, in their language, that Zoom changed or deleted the meeting."""
    series = room.series
    page = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("organizer.series_detail", series_id=series.id)
    for user in permissions.active_organizers(series.group_id):
        to_staff(
            user,
            kind="video_room_alert",
            dedupe_key=f"video-room-alert:{room.id}:{event_key}:{user.id}",
            subject=_l("A video meeting needs your attention"),
            template="email/video_room_alert.txt",
            series=series,
            reason=LazyString(messages.translate, reason),  # rendered in each organizer's language
            page=page,
        )
