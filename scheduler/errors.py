"""Friendly, translated error pages: bad input is a 4xx with a clear message, never a 500."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        message = _("This form has expired. Please go back, reload the page and try again.")
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
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
