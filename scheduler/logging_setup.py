"""Logging that never carries participants' emails or tokens."""

from __future__ import annotations

import logging
import re

from flask import Flask

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_TOKEN_PATH = re.compile(r"(/(?:j|rsvp/confirm|manage|unsubscribe|feed|r)/)[^\s/?\"']+")


class RedactingFilter(logging.Filter):
    """Masks email addresses and path tokens in every record, whatever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _TOKEN_PATH.sub(r"\1<redacted>", _EMAIL.sub("<email>", message))
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def init_app(app: Flask) -> None:
    redactor = RedactingFilter()
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "scheduler", app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(redactor)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(redactor)
