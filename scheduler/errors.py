"""Friendly, translated error pages: bad input is a 4xx with a clear message, never a 500."""

from __future__ import annotations

import logging

import sqlalchemy.exc as sa_exc
from flask import Flask, make_response, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from scheduler.api.problems import from_http_error as api_problem
from scheduler.api.problems import is_api_request, problem
from scheduler.extensions import db

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
# The database is unreachable, restarting, or dropped our connection: nothing was saved, try again shortly.
UNAVAILABLE_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError, sa_exc.DisconnectionError)


def _database_unavailable(error: Exception) -> Response:
    """A friendly 503 with Retry-After; the request's transaction is rolled back, so nothing is half-written."""
    log.warning("database unavailable: %s", type(error).__name__)
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:
        db.session.remove()
    message = _("The service is busy for a moment. Nothing was changed. Please try again in a few seconds.")
    if is_api_request():
        return problem(503, {"Retry-After": str(RETRY_AFTER_SECONDS)}, message)
    try:
        body = render_template("errors/error.html", code=503, message=message)
    except sa_exc.SQLAlchemyError:  # the page itself needed the database
        db.session.remove()
        body = message
    response = Response(body, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    from scheduler.participants.links import LinkError
    from scheduler.web import private_headers

    @app.errorhandler(LinkError)
    def link_problem(error: LinkError):  # type: ignore[no-untyped-def]
        """A personal link that is unknown, expired, used or revoked: a kind page, never a 500."""
        db.session.rollback()
        page = render_template("personal/link_problem.html", message=error.message)
        return private_headers(make_response(page, error.status))

    for error_type in UNAVAILABLE_ERRORS:
        app.register_error_handler(error_type, _database_unavailable)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        message = _("This form has expired. Please go back, reload the page and try again.")
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        if is_api_request():  # the API answers problem+json, also for unknown paths and methods
            return api_problem(error)
        messages = {
            400: _("Something in the request was not right. Please check and try again."),
            403: _("You do not have access to this page."),
            404: _("We could not find that page."),
            405: _("That action is not available here."),
            429: _("Too many attempts. Please wait a moment and try again."),
        }
        code = error.code or 500
        message = messages.get(code, _("Something went wrong. Please try again later."))
        return render_template("errors/error.html", code=code, message=message), code
