"""A development-only mailbox: with no SMTP server configured, sent mail is readable here."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, abort, render_template, request

from scheduler.extensions import db
from scheduler.notifications import outbox
from scheduler.notifications.models import OutboxMessage
from scheduler.security_headers import content_security_policy

dev_bp = Blueprint("dev", __name__, url_prefix="/dev")
# Emails carry inline styles (mail clients ignore style sheets); the preview iframe inherits this page's policy.
MAILBOX_CSP = content_security_policy(style_src="'self' 'unsafe-inline'")


@dev_bp.before_request
def only_from_this_computer() -> None:
    """Everyone's links are on these pages: answer only a browser on this machine."""
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        abort(404)


@dev_bp.after_request
def allow_email_styles(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = MAILBOX_CSP
    return response


def mailbox() -> str:
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    return render_template("dev/mailbox.html", messages=_rendered(list(messages)))


def message(message_id: int) -> str:
    row = db.get_or_404(OutboxMessage, message_id)
    return render_template("dev/message.html", message=_rendered([row])[0])


def _rendered(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Messages queued unrendered are rendered as the email job would (no worker may run in development)."""
    if any(row.render_args is not None for row in rows):
        outbox.render_pending(rows)
        db.session.commit()
    return rows


def calendar(message_id: int) -> Response:
    row = db.get_or_404(OutboxMessage, message_id)
    if not row.calendar:
        abort(404)
    return Response(
        row.calendar, mimetype="text/calendar", headers={"Content-Disposition": "attachment; filename=invite.ics"}
    )


def enabled(config: Mapping[str, Any]) -> bool:
    """DEV_MAILBOX: None (the default) means on in development while no SMTP server is configured."""
    if config.get("DEV_MAILBOX") is None:
        return config["ENV_NAME"] == "development" and not config.get("MAIL_SERVER")
    return bool(config["DEV_MAILBOX"])


def init_app(app: Flask) -> None:
    """It shows everyone's mail: only in development, and production refuses to start with it."""
    if not enabled(app.config):
        return
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError("Refusing to start in production with DEV_MAILBOX on: it shows everyone's email.")
    app.register_blueprint(dev_bp)


_ROUTES = [
    ("/mailbox", mailbox, ["GET"]),
    ("/mailbox/<int:message_id>", message, ["GET"]),
    ("/mailbox/<int:message_id>/invite.ics", calendar, ["GET"]),
]

for rule, handler, methods in _ROUTES:
    dev_bp.add_url_rule(rule, view_func=handler, methods=methods)
