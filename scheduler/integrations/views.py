"""Video-room pages: Retry and Start for organizers, the Zoom webhook for Zoom, and the room panel helper."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from scheduler import clock
from scheduler.extensions import csrf, db, limiter
from scheduler.integrations import messages, provisioning, zoom_events
from scheduler.integrations.base import ProviderError
from scheduler.integrations.models import ErrorKind, RoomStatus
from scheduler.integrations.webhooks import parse_event, url_validation_response, verify_zoom_signature
from scheduler.meetings import permissions
from scheduler.meetings.models import Series, SeriesStatus

log = logging.getLogger(__name__)

integrations_bp = Blueprint("integrations", __name__, url_prefix="/integrations")

MAX_WEBHOOK_BYTES = 64 * 1024


def _series(series_id: int) -> Series:
    series = db.session.get(Series, series_id) or abort(404)
    if not permissions.can_edit_series(current_user, series):
        abort(403)
    return series


def _back(series: Series) -> Response:
    return redirect(url_for("organizer.series_detail", series_id=series.id))


@integrations_bp.post("/rooms/<int:series_id>/retry")
@login_required
def room_retry(series_id: int) -> Response:
    series = _series(series_id)
    if series.status == SeriesStatus.CANCELLED:
        abort(400)
    provisioning.retry_room(series)
    db.session.commit()
    flash(_("The video room will be prepared again in a moment."), "success")
    return _back(series)


@integrations_bp.post("/rooms/<int:series_id>/start")
@login_required
@limiter.limit("20 per minute")
def room_start(series_id: int) -> Response:
    """Sends the host into the room. For Zoom a fresh start_url is fetched now and only ever put in this
    redirect: it carries the host's key, so it is never stored, logged, shown or emailed."""
    series = _series(series_id)
    entry = provisioning.host_entry(series, current_user)
    db.session.rollback()  # end the read-only transaction before calling the provider
    if entry is None:
        flash(_("The video room is not ready yet."), "error")
        return _back(series)
    try:
        target = provisioning.open_host_entry(entry)
    except (ProviderError, ValueError) as error:
        key = error.user_message_key if isinstance(error, ProviderError) else messages.INVALID_DETAILS
        params = error.params if isinstance(error, ProviderError) else None
        flash(messages.translate(key, params), "error")
        return _back(series)
    response = redirect(target, 303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _webhook_limit() -> str:
    return str(current_app.config["ZOOM_WEBHOOK_RATE_LIMIT"])


@integrations_bp.post("/zoom/webhook")
@csrf.exempt
@limiter.limit(_webhook_limit)
def zoom_webhook() -> tuple[Response, int] | Response:
    """Zoom's event notifications. 401 for a bad or stale signature, 400 for a body that is not an event."""
    secret = current_app.config.get("ZOOM_WEBHOOK_SECRET")
    if not secret:
        return jsonify(error="not enabled"), 404
    if (request.content_length or 0) > MAX_WEBHOOK_BYTES:
        return jsonify(error="too large"), 413
    raw = request.get_data(cache=False)
    if not verify_zoom_signature(
        secret,
        request.headers.get("x-zm-request-timestamp"),
        request.headers.get("x-zm-signature"),
        raw,
        clock.now(),
        max_age=int(current_app.config["ZOOM_WEBHOOK_MAX_AGE_SECONDS"]),
    ):
        log.warning("zoom webhook refused: bad or stale signature")
        return jsonify(error="invalid signature"), 401
    try:
        body = json.loads(raw)
        event = parse_event(body)
    except (ValueError, UnicodeDecodeError):
        return jsonify(error="malformed event"), 400
    if event.event == "endpoint.url_validation":
        return jsonify(url_validation_response(secret, event.plain_token or ""))
    outcome = zoom_events.handle_zoom_event(event, body)
    db.session.commit()
    return jsonify(status=outcome)


# --- the room panel on the organizer's meeting page ------------------------------------------------------


@dataclass(frozen=True)
class RoomPanel:
    provider: str
    state: str  # ready | pending | failed | deleted | none | missing
    link: str | None  # the participants' link where it is not personal (custom, public Jitsi, Zoom)
    passcode: str | None
    notes: str | None
    note: str | None  # translated adapter note (moderator login, Zoom without fixed times)
    reason: str | None  # translated last error
    configuration_problem: bool
    changed_in_provider: bool
    changes_pending: bool
    next_attempt_at: datetime | None
    can_start: bool
    can_retry: bool


@integrations_bp.app_template_global("video_room_panel")
def video_room_panel(series: Series) -> RoomPanel:
    room = provisioning.room_for(series)
    cancelled = series.status == SeriesStatus.CANCELLED
    if room is None:
        state = "missing"
    elif room.provider == "none":
        state = "none"
    else:
        state = room.status
    link = None
    if room is not None and room.has_link and room.provider in ("custom", "jitsi", "zoom"):
        link = room.host_url_hint if room.provider == "jitsi" else room.join_url
    ready = room is not None and room.has_link and not cancelled
    return RoomPanel(
        provider=series.video_provider,
        state=state,
        link=link,
        passcode=room.passcode if room is not None and room.provider == "zoom" else None,
        notes=series.video_custom_notes if series.video_provider == "custom" else None,
        note=messages.translate(room.note) if room is not None and room.note else None,
        reason=messages.translate(room.last_error, room.last_error_params) if room and room.last_error else None,
        configuration_problem=room is not None and room.last_error_kind == ErrorKind.CONFIGURATION,
        changed_in_provider=room is not None and room.last_error_kind == ErrorKind.CHANGED,
        changes_pending=room is not None and room.next_attempt_at is not None and room.status == RoomStatus.READY,
        next_attempt_at=room.next_attempt_at if room is not None else None,
        can_start=ready and room is not None and room.provider != "none",
        can_retry=not cancelled and (room is None or room.status == RoomStatus.FAILED or bool(room.last_error)),
    )
