"""One-click unsubscribe from the reminders of a meeting (RFC 8058). Turning them back on is a switch on the
manage page (`scheduler/personal/settings.py`).

GET /unsubscribe/<token> only shows a page with a button (link scanners prefetch links); POST unsubscribes and
answers 200 without a redirect — also for the mailbox provider's cookieless POST of `List-Unsubscribe=One-Click`,
which is why this one view is exempt from CSRF (the unguessable token is the proof). Thin views: one service call.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from scheduler.extensions import csrf, db
from scheduler.meetings.models import Series
from scheduler.notifications import optouts
from scheduler.participants import links
from scheduler.participants.links import LinkError
from scheduler.participants.models import Participant, Rsvp
from scheduler.participants.tokens import Purpose
from scheduler.web import private_headers, speak

reminders_bp = Blueprint("reminders", __name__)


@csrf.exempt
def unsubscribe(token: str) -> str | tuple[str, int]:
    row = links.resolve(Purpose.UNSUBSCRIBE, token)
    rsvp = db.session.get(Rsvp, row.rsvp_id) if row.rsvp_id else None
    participant = db.session.get(Participant, row.participant_id)
    if rsvp is None or participant is None:
        raise LinkError("unknown")
    series = db.get_or_404(Series, rsvp.series_id)
    speak(participant.language)
    if request.method == "POST":
        optouts.turn_off(participant.id, series.id)
        db.session.commit()
    return render_template("reminders/unsubscribe.html", token=token, series=series, done=request.method == "POST"), 200


reminders_bp.add_url_rule("/unsubscribe/<token>", view_func=unsubscribe, methods=["GET", "POST"])
reminders_bp.after_request(private_headers)
