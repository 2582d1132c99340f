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
from scheduler.integrations.channels.base import Channel, ChannelError, Notice
from scheduler.integrations.channels.registry import build_channels
from scheduler.notifications import channel_inbound, channel_replies, contacts, staff_channels
from scheduler.notifications.channel_replies import Reply
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
    replies: list[Reply] = []
    outcome = channel_inbound.telegram_update(update, replies)
    db.session.commit()
    channel_replies.send(replies)
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
    if not isinstance(body, dict):
        return jsonify(error="malformed event"), 400
    replies: list[Reply] = []
    done = channel_inbound.whatsapp_event(body, replies)
    db.session.commit()
    channel_replies.send(replies)
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
    replies: list[Reply] = []
    outcome = channel_inbound.sms_event({key: request.form.get(key, "") for key in request.form}, replies)
    db.session.commit()
    channel_replies.send(replies)
    return jsonify(status=outcome)


CHANNEL_LABELS = {"telegram": _l("Telegram"), "whatsapp": _l("WhatsApp"), "sms": _l("SMS")}


def _staff_only() -> None:
    if not staff_channels.allowed(current_user):
        abort(403)


def _test_page(status: int = 200) -> tuple[str, int]:
    offered = build_channels(current_app.config)
    page = render_template(
        "staff/channel_test.html",
        offered=offered,
        labels=CHANNEL_LABELS,
        mine=staff_channels.mine(current_user.id),
        ending=staff_channels.ending,
    )
    return page, status


def _flash_rules(error: RuleError) -> None:
    for message in error.messages:
        flash(message, "error")


def _send_test(channel: Channel, address: str) -> bool:
    text = _("This is a test message from the meeting scheduler.")
    try:
        channel.send(address, Notice(text=text, language=current_user.language or "en"))
    except ChannelError as error:
        flash(_("The test message could not be sent (%(reason)s).", reason=error.summary), "error")
        return False
    flash(_("The test message was sent."), "success")
    return True


@login_required
@limiter.limit("10 per minute", methods=["POST"])
def test_message() -> str | Response | tuple[str, int]:
    """An administrator or organizer sends a test message to a number or Telegram chat id they enter (nothing is
    stored), or connects their own Telegram or number and sends the test there (see `mine_*`)."""
    _staff_only()
    if request.method == "GET":
        return _test_page()
    offered = build_channels(current_app.config)
    name = request.form.get("channel", "")
    address = (request.form.get("address") or "").strip()
    channel = offered.get(name)
    if channel is None:
        flash(_("This channel is not available."), "error")
        return _test_page(400)
    try:
        if name == "telegram":
            if not address.lstrip("-").isdigit() or len(address) > 20:
                raise RuleError({"address": [_("A Telegram chat id is a number.")]})
        else:
            address = contacts.normalize_number(address)
    except RuleError as error:
        _flash_rules(error)
        return _test_page(400)
    if not _send_test(channel, address):
        return _test_page(502)
    return redirect(url_for(".test_message"), code=303)


def _my_channel(name: str) -> Channel:
    _staff_only()
    channel = build_channels(current_app.config).get(name)
    if channel is None:
        abort(404)
    return channel


def _back() -> Response:
    return redirect(url_for(".test_message", _anchor="mine"), code=303)


@login_required
@limiter.limit("10 per minute")
def mine_start(name: str) -> str | Response | tuple[str, int]:
    """Connect my own Telegram (a one-time start link) or number (a code is sent to it now)."""
    channel = _my_channel(name)
    if name == "telegram":
        token = staff_channels.start_telegram(current_user)
        db.session.commit()
        link = channel.start_link(token)  # type: ignore[attr-defined]
        return render_template(
            "channels/telegram_link.html",
            link=link,
            back_url=url_for("channels.test_message", _anchor="mine"),
            back_label=_("Back to the test page"),
        )
    try:
        contact, code = staff_channels.start_number(current_user, name, request.form.get("number", ""))
    except RuleError as error:
        db.session.rollback()
        _flash_rules(error)
        return _test_page(400)
    language = staff_channels.language_of(current_user.id) or "en"
    try:
        channel.send(contact.address or "", staff_channels.code_notice(code, language))
    except ChannelError as error:
        db.session.rollback()
        flash(_("The code could not be sent (%(reason)s).", reason=error.summary), "error")
        return _test_page(502)
    db.session.commit()
    flash(_("We sent a code to your number. Please type it below."), "success")
    return _back()


@login_required
@limiter.limit("10 per minute")
def mine_verify(name: str) -> Response | tuple[str, int]:
    _my_channel(name)
    try:
        confirmed = staff_channels.confirm_code(current_user, name, request.form.get("code", "")[:20])
    except RuleError as error:
        db.session.rollback()
        _flash_rules(error)
        return _test_page(400)
    db.session.commit()  # a wrong code counts as an attempt
    if not confirmed:
        flash(_("That code is not right. Please check it and try again."), "error")
        return _test_page(400)
    flash(_("Your number is confirmed."), "success")
    return _back()


@login_required
@limiter.limit("10 per minute")
def mine_send(name: str) -> Response | tuple[str, int]:
    """Send me a test message on my own connected Telegram or number."""
    channel = _my_channel(name)
    address = staff_channels.verified_address(current_user.id, name)
    if address is None:
        flash(_("This channel is not connected."), "error")
        return _test_page(400)
    if not _send_test(channel, address):
        return _test_page(502)
    return _back()


@login_required
def mine_stop(name: str) -> Response:
    _my_channel(name)
    staff_channels.stop(current_user.id, name)
    db.session.commit()
    flash(_("Stopped. We have forgotten this number or chat."), "success")
    return _back()


_ROUTES = [
    ("/telegram/webhook", telegram_webhook, ["POST"]),
    ("/whatsapp/webhook", whatsapp_webhook, ["GET", "POST"]),
    ("/sms/status", sms_webhook, ["POST"]),
    ("/sms/inbound", sms_webhook, ["POST"]),
    ("/test", test_message, ["GET", "POST"]),
    ("/test/mine/<any(telegram, whatsapp, sms):name>/start", mine_start, ["POST"]),
    ("/test/mine/<any(telegram, whatsapp, sms):name>/verify", mine_verify, ["POST"]),
    ("/test/mine/<any(telegram, whatsapp, sms):name>/send", mine_send, ["POST"]),
    ("/test/mine/<any(telegram, whatsapp, sms):name>/stop", mine_stop, ["POST"]),
]

for rule, handler, methods in _ROUTES:
    channels_bp.add_url_rule(rule, view_func=handler, methods=methods)
