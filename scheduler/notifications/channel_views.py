"""The channels' webhooks (Telegram updates, WhatsApp events, Twilio-style SMS callbacks) and the administrators'
"send me a test message" page. Webhooks are CSRF-exempt and answer 403 unless the provider's secret or signature
checks out; 404 while the channel is not configured. Nothing here logs an address or a body."""

from __future__ import annotations

import json
import logging

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from scheduler.extensions import csrf, db, limiter
from scheduler.integrations.channels import signatures
from scheduler.integrations.channels.base import ChannelError, Notice
from scheduler.integrations.channels.registry import build_channels
from scheduler.notifications import channel_inbound, contacts
from scheduler.rules import RuleError

log = logging.getLogger(__name__)

channels_bp = Blueprint("channels", __name__, url_prefix="/channels")

MAX_WEBHOOK_BYTES = 64 * 1024
WEBHOOK_LIMIT = "300 per minute"


def _raw() -> bytes:
    if (request.content_length or 0) > MAX_WEBHOOK_BYTES:
        abort(413)
    return request.get_data(cache=True)


def _configured(name: str) -> None:
    if name not in build_channels(current_app.config):
        abort(404)


@csrf.exempt
@limiter.limit(WEBHOOK_LIMIT)
def telegram_webhook() -> Response | tuple[Response, int]:
    _configured("telegram")
    secret = current_app.config.get("TELEGRAM_WEBHOOK_SECRET")
    if not signatures.telegram_ok(secret, request.headers.get("X-Telegram-Bot-Api-Secret-Token")):
        log.warning("telegram webhook refused: bad secret")
        return jsonify(error="forbidden"), 403
    try:
        update = json.loads(_raw())
    except (ValueError, UnicodeDecodeError):
        return jsonify(error="malformed update"), 400
    if not isinstance(update, dict):
        return jsonify(error="malformed update"), 400
    outcome = channel_inbound.telegram_update(update)
    db.session.commit()
    return jsonify(status=outcome)


@csrf.exempt
@limiter.limit(WEBHOOK_LIMIT)
def whatsapp_webhook() -> Response | tuple[Response, int] | str:
    _configured("whatsapp")
    if request.method == "GET":  # Meta's subscription check
        token = current_app.config.get("WHATSAPP_VERIFY_TOKEN")
        given = request.args.get("hub.verify_token")
        if request.args.get("hub.mode") != "subscribe" or not signatures.telegram_ok(token, given):
            return jsonify(error="forbidden"), 403
        return str(request.args.get("hub.challenge", ""))[:200]
    raw = _raw()
    secret = current_app.config.get("WHATSAPP_APP_SECRET")
    if not signatures.meta_ok(secret, request.headers.get("X-Hub-Signature-256"), raw):
        log.warning("whatsapp webhook refused: bad signature")
        return jsonify(error="forbidden"), 403
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return jsonify(error="malformed event"), 400
    done = channel_inbound.whatsapp_event(body) if isinstance(body, dict) else 0
    db.session.commit()
    return jsonify(status="ok", handled=done)


def _twilio_verified() -> bool:
    """Twilio signs the URL it called: ours as configured (PUBLIC_BASE_URL), not as a proxy passed it on."""
    url = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + request.full_path.rstrip("?")
    params = [(key, value) for key in request.form for value in request.form.getlist(key)]
    token = current_app.config.get("SMS_AUTH_TOKEN")
    return signatures.twilio_ok(token, request.headers.get("X-Twilio-Signature"), url, params)


@csrf.exempt
@limiter.limit(WEBHOOK_LIMIT)
def sms_webhook() -> Response | tuple[Response, int]:
    """Status callbacks and inbound messages (STOP) of the SMS gateway."""
    _configured("sms")
    _raw()
    if not _twilio_verified():
        log.warning("sms webhook refused: bad signature")
        return jsonify(error="forbidden"), 403
    outcome = channel_inbound.sms_event({key: request.form.get(key, "") for key in request.form})
    db.session.commit()
    return jsonify(status=outcome)


CHANNEL_LABELS = {"telegram": _l("Telegram"), "whatsapp": _l("WhatsApp"), "sms": _l("SMS")}


@login_required
@limiter.limit("10 per minute", methods=["POST"])
def test_message() -> str | Response | tuple[str, int]:
    """An administrator sends a test message to a number or Telegram chat id they enter (nothing is stored)."""
    if not current_user.is_admin:
        abort(403)
    offered = build_channels(current_app.config)
    if request.method == "GET":
        return render_template("staff/channel_test.html", offered=offered, labels=CHANNEL_LABELS)
    name = request.form.get("channel", "")
    address = (request.form.get("address") or "").strip()
    channel = offered.get(name)
    if channel is None:
        flash(_("This channel is not available."), "error")
        return render_template("staff/channel_test.html", offered=offered, labels=CHANNEL_LABELS), 400
    try:
        if name == "telegram":
            if not address.lstrip("-").isdigit() or len(address) > 20:
                raise RuleError({"address": [_("A Telegram chat id is a number.")]})
        else:
            address = contacts.normalize_number(address)
    except RuleError as error:
        for message in error.messages:
            flash(message, "error")
        return render_template("staff/channel_test.html", offered=offered, labels=CHANNEL_LABELS), 400
    text = _("This is a test message from the meeting scheduler.")
    try:
        channel.send(address, Notice(text=text, language=current_user.language or "en"))
    except ChannelError as error:
        flash(_("The test message could not be sent (%(reason)s).", reason=error.summary), "error")
        return render_template("staff/channel_test.html", offered=offered, labels=CHANNEL_LABELS), 502
    flash(_("The test message was sent."), "success")
    return redirect(url_for(".test_message"), code=303)


_ROUTES = [
    ("/telegram/webhook", telegram_webhook, ["POST"]),
    ("/whatsapp/webhook", whatsapp_webhook, ["GET", "POST"]),
    ("/sms/status", sms_webhook, ["POST"]),
    ("/sms/inbound", sms_webhook, ["POST"]),
    ("/test", test_message, ["GET", "POST"]),
]

for rule, handler, methods in _ROUTES:
    channels_bp.add_url_rule(rule, view_func=handler, methods=methods)
