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
    MAIL_MESSAGE_ID_DOMAIN = "scheduler.invalid"

    VIDEO_PROVIDER = "jitsi"
    JITSI_BASE_URL = "https://meet.jit.si"


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
