"""A development-only mailbox: with no SMTP server configured, sent mail is readable here."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, abort, render_template

from scheduler.extensions import db
from scheduler.notifications.models import OutboxMessage

dev_bp = Blueprint("dev", __name__, url_prefix="/dev")


def mailbox() -> str:
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    return render_template("dev/mailbox.html", messages=messages)


def message(message_id: int) -> str:
    row = db.get_or_404(OutboxMessage, message_id)
    return render_template("dev/message.html", message=row)


def calendar(message_id: int) -> Response:
    row = db.get_or_404(OutboxMessage, message_id)
    if not row.calendar:
        abort(404)
    return Response(
        row.calendar, mimetype="text/calendar", headers={"Content-Disposition": "attachment; filename=invite.ics"}
    )


def init_app(app: Flask) -> None:
    """Only in development, and only while no SMTP server is configured: it shows everyone's mail."""
    if app.config["ENV_NAME"] == "development" and not app.config.get("MAIL_SERVER"):
        app.register_blueprint(dev_bp)


_ROUTES = [
    ("/mailbox", mailbox, ["GET"]),
    ("/mailbox/<int:message_id>", message, ["GET"]),
    ("/mailbox/<int:message_id>/invite.ics", calendar, ["GET"]),
]

for rule, handler, methods in _ROUTES:
    dev_bp.add_url_rule(rule, view_func=handler, methods=methods)
