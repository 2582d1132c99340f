"""Signing up for a meeting: the form and the "check your email" page. Thin: parse the form, call one service,
commit, render. What happens after the email link is in `scheduler/personal/`."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response as BaseResponse

from scheduler.extensions import limiter
from scheduler.i18n import viewer_timezone, when_for
from scheduler.inputs import bounded_id
from scheduler.meetings import published
from scheduler.meetings.models import SeriesStatus
from scheduler.participants import signup
from scheduler.participants.forms import RsvpForm
from scheduler.participants.models import RsvpScope
from scheduler.web import FAILED, found, transact

ViewResult = str | BaseResponse | tuple[str, int]


def rsvp_limit() -> str:
    return str(current_app.config["RSVP_RATE_LIMIT"])


# One budget of sign-up posts per IP address, shared by the form and the API's POST …/rsvps.
rsvp_posts = limiter.shared_limit(rsvp_limit, scope="rsvp-posts", methods=["POST"])


@rsvp_posts
def rsvp(series_id: int) -> ViewResult:
    series = found(published.meeting(series_id, details=request.method == "GET"))
    g.group_language = series.language
    sessions = signup.bookable_sessions(series, limit=12)
    form = RsvpForm()
    # A POST needs the choices' values only; their labels (Babel formatting) only when a page is shown.
    form.set_sessions([(o.id, when_for(o.start, series.timezone) if request.method == "GET" else "") for o in sessions])
    if request.method == "POST" and (request.form.get("website") or "").strip():
        return redirect(url_for(".rsvp_sent", series_id=series.id))  # a bot: pretend all went well
    if request.method == "GET":
        form.timezone.data = viewer_timezone()  # chosen, detected or guessed: never empty
        form.language.data = str(get_locale() or "en")
        chosen = request.args.get("session", type=bounded_id)
        form.occurrence_id.data = (
            chosen if chosen in {o.id for o in sessions} else (sessions[0].id if sessions else None)
        )
        form.scope.data = RsvpScope.OCCURRENCE if chosen else RsvpScope.SERIES
    elif (
        form.validate_on_submit()
        and transact(lambda: signup.request_rsvp(series, form.to_input(), sessions), form) is not FAILED
    ):
        return redirect(url_for(".rsvp_sent", series_id=series_id))  # no reload after commit
    status = 400 if request.method == "POST" else 200
    if request.method == "POST":
        form.set_sessions([(o.id, when_for(o.start, series.timezone)) for o in sessions])
    return render_template(
        "participants/rsvp_form.html",
        form=form,
        series=series,
        sessions=sessions,
        approval=signup.needs_approval(series),
        open_for_signups=series.status == SeriesStatus.PUBLISHED and bool(sessions),
    ), status


def rsvp_sent(series_id: int) -> str:
    return render_template("participants/rsvp_sent.html", series=found(published.meeting(series_id)))
