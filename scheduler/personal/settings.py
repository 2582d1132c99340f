"""The two switches on the manage page: reminders of one meeting, and showing one's own attendance."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from scheduler.counseling import streaks
from scheduler.counseling.forms import StreakForm
from scheduler.extensions import db
from scheduler.notifications import optouts
from scheduler.personal.views import own_rsvp, participant_for


def reminders(token: str, rsvp_id: int) -> Response:
    """Turn the reminders of one meeting off, or on again."""
    participant = participant_for(token)
    rsvp = own_rsvp(participant, rsvp_id)
    if request.form.get("reminders") == "on":
        optouts.turn_on(participant.id, rsvp.series_id)
        message = _("You will get reminders for this meeting again.")
    else:
        optouts.turn_off(participant.id, rsvp.series_id)
        message = _("You will not get reminders for this meeting any more.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".manage", token=token), code=303)


def streak(token: str) -> Response:
    participant = participant_for(token)
    form = StreakForm()
    if not form.validate_on_submit() or form.show.data not in ("on", "off"):
        abort(400)
    streaks.set_opt_in(participant, form.show.data == "on")
    db.session.commit()
    flash(
        _("Your attendance is shown on this page, to you only.")
        if form.show.data == "on"
        else _("Your attendance is no longer shown."),
        "success",
    )
    return redirect(url_for(".manage", token=token, _anchor="attendance-heading"), code=303)
