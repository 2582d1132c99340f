"""Logging that never carries participants' emails or tokens; plain text or JSON lines (LOG_FORMAT)."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from flask import Flask

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_TOKEN_PATH = re.compile(r"(/(?:j|rsvp/confirm|manage|unsubscribe|feed|r)/)[^\s/?\"']+")
_OWN_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "scheduler")


def redact(message: str) -> str:
    return _TOKEN_PATH.sub(r"\1<redacted>", _EMAIL.sub("<email>", message))


class RedactingFilter(logging.Filter):
    """Masks email addresses and path tokens in every record, whatever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the exception type and trace if any.

    Only the (redacted) message and fixed fields: no request bodies, headers, query strings or record extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
            "process": record.process,
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["trace"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def _use_json_lines(app: Flask) -> None:
    formatter = JsonLinesFormatter()
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonLinesFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        root.addHandler(handler)
    for handler in root.handlers:
        handler.setFormatter(formatter)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    for name in (*_OWN_LOGGERS, app.logger.name):
        for handler in logging.getLogger(name).handlers:  # gunicorn's own handlers, Flask's default handler
            handler.setFormatter(formatter)


def init_app(app: Flask) -> None:
    if str(app.config.get("LOG_FORMAT", "text")).lower() == "json":
        _use_json_lines(app)
    redactor = RedactingFilter()
    for name in (*_OWN_LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(redactor)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(redactor)
