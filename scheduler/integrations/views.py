"""Video-room pages: Retry and Start for organizers, the Zoom webhook for Zoom, and the room panel helper."""

from __future__ import annotations

import json
import logging

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from scheduler import clock
from scheduler.extensions import csrf, db, limiter
from scheduler.integrations import messages, provisioning, zoom_events
from scheduler.integrations.base import ProviderError
from scheduler.integrations.webhooks import parse_event, url_validation_response, verify_zoom_signature
from scheduler.meetings import permissions
from scheduler.meetings.models import Series, SeriesStatus
from scheduler.web import authorized

log = logging.getLogger(__name__)

integrations_bp = Blueprint("integrations", __name__, url_prefix="/integrations")

MAX_WEBHOOK_BYTES = 64 * 1024


def _back(series: Series) -> Response:
    return redirect(url_for("organizer.series_detail", series_id=series.id))


@login_required
def room_retry(series_id: int) -> Response:
    series = authorized(Series, series_id, permissions.can_edit_series)
    if series.status == SeriesStatus.CANCELLED:
        abort(400)
    provisioning.retry_room(series)
    db.session.commit()
    flash(_("The video room will be prepared again in a moment."), "success")
    return _back(series)


@login_required
@limiter.limit("20 per minute")
def room_start(series_id: int) -> Response:
    """Sends the host into the room. For Zoom a fresh start_url is fetched now and only ever put in this
    redirect: it carries the host's key, so it is never stored, logged, shown or emailed."""
    series = authorized(Series, series_id, permissions.can_edit_series)
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


_ROUTES = [
    ("/rooms/<int:series_id>/retry", room_retry, ["POST"]),
    ("/rooms/<int:series_id>/start", room_start, ["POST"]),
    ("/zoom/webhook", zoom_webhook, ["POST"]),
]

for rule, handler, methods in _ROUTES:
    integrations_bp.add_url_rule(rule, view_func=handler, methods=methods)
