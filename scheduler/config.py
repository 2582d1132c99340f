"""Default configuration. Secrets live in instance/config.py; any key can be overridden
from the environment as SCHEDULER_<KEY>. Nothing here reads the environment at import time."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

INSECURE_DEV_SECRET = "dev-insecure-change-me"  # noqa: S105 - refused outside development


class DefaultConfig:
    ENV_NAME = "development"  # development | production | testing
    SECRET_KEY = INSECURE_DEV_SECRET
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: sqlite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE: bool | None = None  # None: True in production, False elsewhere
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PREFERRED_URL_SCHEME = "http"
    SERVER_NAME: str | None = None
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    LANGUAGES = ("en", "bn", "id", "nl")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"

    # Occurrences of never-ending series are materialised up to this many days ahead.
    OCCURRENCE_HORIZON_DAYS = 400
    MAX_OCCURRENCES_PER_SERIES = 500

    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "no-reply@scheduler.invalid"
    MAIL_SUPPRESS_SEND = False
    MAIL_MAX_ATTEMPTS = 8
    MAIL_BATCH_SIZE = 50
    MAIL_CLAIM_LEASE_SECONDS = 60  # a claimed email returns to the queue this long after its worker stopped renewing
    MAIL_MESSAGE_ID_DOMAIN = "scheduler.invalid"
    DEV_MAILBOX: bool | None = None  # /dev/mailbox; None: on in development without MAIL_SERVER, never in production

    # Participants: RSVP by email link.
    RSVP_CONFIRM_HOURS = 48  # how long a confirmation link works
    JOIN_OPENS_MINUTES = 15  # the personal join link opens this long before the start
    WAITLIST_OFFER_HOURS = 24  # a freed seat is held this long for the next person waiting
    RETENTION_DAYS = 90  # personal data of people with nothing upcoming is erased after this
    UNCONFIRMED_RETENTION_DAYS = 7  # addresses never confirmed are erased after this
    RSVP_RATE_LIMIT = "10 per minute;50 per hour"  # sign-up form posts per IP address (answered with 429)
    RSVP_ADDRESS_RATE_LIMIT = "3 per hour;10 per day"  # sign-up emails per email address (silently dropped)
    API_TOKEN_RATE_LIMIT = "120 per minute;3000 per hour"  # noqa: S105 - not a secret; staff API requests per token (429 problem+json)
    API_PUBLIC_RATE_LIMIT = "300 per minute"  # API requests per IP address (public reads, and staff calls too)

    VIDEO_PROVIDER = "jitsi"
    JITSI_BASE_URL = "https://meet.jit.si"
    # Self-hosted Jitsi with JWT (HS256): the secret belongs in instance/config.py or the environment.
    JITSI_APP_ID: str | None = None
    JITSI_APP_SECRET: str | None = None
    JITSI_AUDIENCE: str | None = None
    JITSI_SUBJECT = "*"
    JITSI_MODERATOR_STYLE = "affiliation"  # or "moderator"
    # 8x8 Jitsi as a Service (RS256); JAAS_PRIVATE_KEY is a PEM (literal "\\n" are turned into newlines).
    JAAS_APP_ID: str | None = None
    JAAS_KEY_ID: str | None = None
    JAAS_PRIVATE_KEY: str | None = None
    # Zoom Server-to-Server OAuth app, and the secret token of its webhook subscription.
    ZOOM_ACCOUNT_ID: str | None = None
    ZOOM_CLIENT_ID: str | None = None
    ZOOM_CLIENT_SECRET: str | None = None
    ZOOM_API_BASE = "https://api.zoom.us/v2"
    ZOOM_OAUTH_URL = "https://zoom.us/oauth/token"
    ZOOM_TIMEOUT = 10
    ZOOM_DEFAULT_HOST_EMAIL: str | None = None  # Zoom user that hosts meetings without a host of their own
    ZOOM_BACKUP_HOST_AS_ALTERNATIVE = False  # only when backup hosts are users of the same Zoom account
    ZOOM_WEBHOOK_SECRET: str | None = None
    ZOOM_WEBHOOK_MAX_AGE_SECONDS = 300
    ZOOM_WEBHOOK_RATE_LIMIT = "120 per minute"
    # Video-room provisioning by the worker.
    ROOM_PROVISION_MAX_ATTEMPTS = 12
    ROOM_PROVISION_BACKOFF_SECONDS = 30
    ROOM_PROVISION_BACKOFF_CAP_SECONDS = 3600
    ROOM_PROVISION_LEASE_SECONDS = 300
    ROOM_PROVISION_BATCH = 20
    # Self-hosted Jitsi / JaaS tokens stay valid until this long after the session ends.
    VIDEO_TOKEN_GRACE_MINUTES = 30
    # Counselors: hosting, attendance and the program evaluation.
    HOST_ALERT_HOURS_BEFORE = 2  # no confirmed host this long before the start: alert the backup host and organizers
    ATTENDANCE_OPENS_MINUTES = 60  # attendance can be taken from this long before the start
    SMALL_CELL_THRESHOLD = 5  # evaluation counts from fewer people than this are suppressed
    RETENTION_WINDOW_DAYS = 28  # a newcomer "came back" when they attend again within this many days
    # Telegram, WhatsApp and SMS (each offered only when its settings are present; see the README).
    CHANNEL_TIMEOUT = 10  # seconds per provider request
    CHANNEL_MAX_ATTEMPTS = 6  # then a channel message is failed (shown to the organizers)
    CHANNEL_BATCH_SIZE = 20
    CHANNEL_CODE_MINUTES = 10  # a verification code works this long
    CHANNEL_CODE_MAX_ATTEMPTS = 5  # wrong codes before a new one must be asked for
    TELEGRAM_BOT_TOKEN: str | None = None
    TELEGRAM_BOT_USERNAME: str | None = None  # the bot's @name, for t.me/<name>?start=… links
    TELEGRAM_API_BASE = "https://api.telegram.org"
    TELEGRAM_WEBHOOK_SECRET: str | None = None  # the secret_token given to setWebhook
    TELEGRAM_POLL = False  # no public URL: the worker polls getUpdates instead of a webhook
    TELEGRAM_LINK_MINUTES = 30  # a t.me start link works this long
    WHATSAPP_ACCESS_TOKEN: str | None = None
    WHATSAPP_PHONE_NUMBER_ID: str | None = None
    WHATSAPP_API_BASE = "https://graph.facebook.com/v21.0"
    WHATSAPP_TEMPLATE_NOTICE = "meeting_notice"  # approved template, one body parameter: the message text
    WHATSAPP_TEMPLATE_CODE = "verification_code"  # approved authentication template: the code
    WHATSAPP_APP_SECRET: str | None = None  # signs webhooks (X-Hub-Signature-256)
    WHATSAPP_VERIFY_TOKEN: str | None = None  # answers Meta's webhook verification (hub.verify_token)
    SMS_ACCOUNT_SID: str | None = None
    SMS_AUTH_TOKEN: str | None = None
    SMS_FROM: str | None = None  # the sender number (E.164), or a Messaging Service SID (MG…)
    SMS_API_BASE = "https://api.twilio.com"
    SMS_STATUS_CALLBACKS = False  # ask for delivery reports at PUBLIC_BASE_URL/channels/sms/status
    SMS_MAX_SEGMENTS = 5  # a longer text is cut (GSM-7: 153 characters per segment, Bengali/UCS-2: 67)
    SMS_STOP_REPLY = False  # answer STOP ourselves (Twilio and most gateways already confirm it themselves)
    # Operations.
    WORKER_HEARTBEAT_MAX_AGE_SECONDS = 300  # /healthz answers 503 when no worker has looped for this long
    HEALTHZ_REQUIRE_WORKER = True  # False: /healthz of the web process checks only the database
    LOG_FORMAT = "text"  # "json": one JSON object per line (for log shippers); never personal data either way


def _coerce(raw: str, current: Any) -> Any:
    """Environment values are strings; give them the type of the default when we know it."""
    if isinstance(current, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int) and not isinstance(current, bool):
        return int(raw)
    if isinstance(current, (list, tuple, dict)):
        return json.loads(raw)
    return raw


def environment_overrides(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    environ = os.environ if environ is None else environ
    result: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith("SCHEDULER_"):
            continue
        key = name.removeprefix("SCHEDULER_")
        if not key or key.startswith("TEST_") or key == "INSTANCE_PATH":
            continue
        result[key] = _coerce(raw, config.get(key))
    return result
