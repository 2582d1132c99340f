"""The participant's own streak switch, on their personal page. The path starts with /manage/ so the log
filter redacts the token."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from scheduler.counseling import streaks
from scheduler.counseling.forms import StreakForm
from scheduler.extensions import db
from scheduler.participants import links
from scheduler.participants.tokens import Purpose


def streak(token: str) -> Response:
    participant = links.participant_for(Purpose.MANAGE, token)
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
    return redirect(url_for("participants.manage", token=token, _anchor="attendance-heading"), code=303)
