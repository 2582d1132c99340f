"""One-click unsubscribe from the reminders of a meeting (RFC 8058), and turning them back on.

GET /unsubscribe/<token> only shows a page with a button (link scanners prefetch links); POST unsubscribes and
answers 200 without a redirect — also for the mailbox provider's cookieless POST of `List-Unsubscribe=One-Click`,
which is why this one view is exempt from CSRF (the unguessable token is the proof). Thin views: one service call.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from werkzeug.wrappers import Response as BaseResponse

from scheduler.extensions import csrf, db
from scheduler.meetings.models import Series
from scheduler.notifications import optouts
from scheduler.participants import links
from scheduler.participants import views as participant_views
from scheduler.participants.links import LinkError
from scheduler.participants.models import Participant, Rsvp
from scheduler.participants.tokens import Purpose

reminders_bp = Blueprint("reminders", __name__)


def _speak(language: str) -> None:
    g.preferred_language = language
    refresh()


@csrf.exempt
def unsubscribe(token: str) -> str | tuple[str, int]:
    row = links.resolve(Purpose.UNSUBSCRIBE, token)
    rsvp = db.session.get(Rsvp, row.rsvp_id) if row.rsvp_id else None
    participant = db.session.get(Participant, row.participant_id)
    if rsvp is None or participant is None:
        raise LinkError("unknown")
    series = db.session.get(Series, rsvp.series_id) or abort(404)
    _speak(participant.language)
    if request.method == "POST":
        optouts.turn_off(participant.id, series.id)
        db.session.commit()
    return render_template("reminders/unsubscribe.html", token=token, series=series, done=request.method == "POST"), 200


def reminders_setting(token: str, rsvp_id: int) -> BaseResponse:
    """From the manage page: turn the reminders of one meeting on again (or off)."""
    participant = links.participant_for(Purpose.MANAGE, token)
    rsvp = db.session.get(Rsvp, rsvp_id)
    if rsvp is None or rsvp.participant_id != participant.id:
        abort(404)
    _speak(participant.language)
    if request.form.get("reminders") == "on":
        optouts.turn_on(participant.id, rsvp.series_id)
        message = _("You will get reminders for this meeting again.")
    else:
        optouts.turn_off(participant.id, rsvp.series_id)
        message = _("You will not get reminders for this meeting any more.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("participants.manage", token=token), code=303)


def reminders_off(rsvp: Rsvp) -> bool:
    """For the manage page template."""
    return optouts.is_off(rsvp.participant_id, rsvp.series_id)


reminders_bp.add_url_rule("/unsubscribe/<token>", view_func=unsubscribe, methods=["GET", "POST"])
reminders_bp.add_url_rule(
    "/manage/<token>/meetings/<int:rsvp_id>/reminders", view_func=reminders_setting, methods=["POST"]
)
reminders_bp.register_error_handler(LinkError, participant_views.link_problem)
reminders_bp.after_request(participant_views.private_headers)
reminders_bp.add_app_template_global(reminders_off, "reminders_off")
