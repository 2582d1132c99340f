"""The manage page's Telegram, WhatsApp and SMS section: connect (a t.me link, or a number and its code), get
notices on the phone only or as well as by email, and stop. Thin: one contacts service call each."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from scheduler.extensions import db
from scheduler.integrations.channels.registry import build_channels
from scheduler.notifications import contacts
from scheduler.personal.views import ViewResult, manage_page, participant_for
from scheduler.web import FAILED, transact

ANCHOR = "channels-heading"


def _offered(channel: str) -> None:
    if channel not in contacts.configured():
        abort(404)


def _back(token: str) -> Response:
    return redirect(url_for(".manage", token=token, _anchor=ANCHOR), code=303)


def start(token: str, channel: str) -> ViewResult:
    """Telegram: a one-time link to the bot. WhatsApp or SMS: the number gets a code."""
    participant = participant_for(token)
    _offered(channel)
    if channel == "telegram":
        bot = build_channels(current_app.config)["telegram"]
        secret = contacts.start_telegram(participant)
        db.session.commit()
        link = bot.start_link(secret)  # type: ignore[attr-defined]
        return render_template(
            "channels/telegram_link.html",
            link=link,
            back_url=url_for("personal.manage", token=token, _anchor="channels-heading"),
            back_label=_("Back to your page"),
        )
    number = request.form.get("number", "")
    if transact(lambda: contacts.start_number(participant, channel, number)) is FAILED:
        return manage_page(token, participant_for(token), status=400)
    flash(_("We sent a code to your number. Please type it below."), "success")
    return _back(token)


def verify(token: str, channel: str) -> ViewResult:
    participant = participant_for(token)
    _offered(channel)
    code = request.form.get("code", "")[:20]
    outcome = transact(lambda: contacts.confirm_code(participant, channel, code))
    if outcome is FAILED:
        return manage_page(token, participant_for(token), status=400)
    if outcome is False:
        flash(_("That code is not right. Please check it and try again."), "error")
        return manage_page(token, participant_for(token), status=400)
    flash(_("Your number is confirmed. Your reminders and session changes will come there too."), "success")
    return _back(token)


def only(token: str, channel: str) -> ViewResult:
    participant = participant_for(token)
    _offered(channel)
    instead = request.form.get("only") == "on"
    if transact(lambda: contacts.set_instead_of_email(participant.id, channel, instead)) is FAILED:
        return manage_page(token, participant_for(token), status=400)
    flash(
        _("Reminders and session changes now come only there, not by email.")
        if instead
        else _("Reminders and session changes come by email as well."),
        "success",
    )
    return _back(token)


def stop(token: str, channel: str) -> ViewResult:
    participant = participant_for(token)
    _offered(channel)
    contacts.stop(participant.id, channel)
    db.session.commit()
    flash(_("Stopped. We have forgotten this number or chat."), "success")
    return _back(token)
