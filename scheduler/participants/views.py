"""Participant pages: sign up, confirm, manage, join. Thin: parse the input, call one service, commit, render.

A link that changes something shows a page with a button on GET and acts on POST, because mail scanners
prefetch links. Personal pages are never cached and never send a Referer.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from scheduler import clock
from scheduler.extensions import db, limiter
from scheduler.i18n import format_when, viewer_timezone, viewer_timezone_known
from scheduler.participants import calendar_export, links, privacy, queries, services
from scheduler.participants.forms import ProfileForm, RsvpForm
from scheduler.participants.models import Participant, Rsvp, RsvpScope
from scheduler.participants.tokens import Purpose
from scheduler.public import queries as public_queries
from scheduler.rules import RuleError

ViewResult = str | BaseResponse | tuple[str, int]


def _speak(language: str) -> None:
    """Pages about a person are in that person's language, whatever was worked out earlier in the request."""
    g.preferred_language = language
    refresh()


def rsvp_limit() -> str:
    return str(current_app.config["RSVP_RATE_LIMIT"])


@limiter.limit(rsvp_limit, methods=["POST"])
def rsvp(series_id: int) -> ViewResult:
    series = public_queries.meeting(series_id) or abort(404)
    g.group_language = series.language
    sessions = services.bookable_sessions(series, limit=12)
    form = RsvpForm()
    form.set_sessions([(o.id, format_when(o.start)) for o in sessions])
    if request.method == "POST" and (request.form.get("website") or "").strip():
        return redirect(url_for(".rsvp_sent", series_id=series.id))  # a bot: pretend all went well
    if request.method == "GET":
        form.timezone.data = viewer_timezone() if viewer_timezone_known() else ""
        form.language.data = str(get_locale() or "en")
        chosen = request.args.get("session", type=int)
        form.occurrence_id.data = (
            chosen if chosen in {o.id for o in sessions} else (sessions[0].id if sessions else None)
        )
        form.scope.data = RsvpScope.OCCURRENCE if chosen else RsvpScope.SERIES
    elif form.validate_on_submit():
        try:
            services.request_rsvp(series, form.to_input())
        except RuleError as error:
            db.session.rollback()
            _show_errors(form, error)
        else:
            db.session.commit()
            return redirect(url_for(".rsvp_sent", series_id=series.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "participants/rsvp_form.html",
        form=form,
        series=series,
        sessions=sessions,
        approval=services.needs_approval(series),
        open_for_signups=series.status == "published" and bool(sessions),
    ), status


def rsvp_sent(series_id: int) -> str:
    series = public_queries.meeting(series_id) or abort(404)
    return render_template("participants/rsvp_sent.html", series=series)


def confirm(token: str) -> ViewResult:
    if request.method == "POST":
        outcome = services.confirm(token)
        db.session.commit()
        _speak(outcome.rsvp.participant.language)
        if outcome.rsvp.status == "awaiting_approval":
            flash(_("Thank you. The host will look at your request and we will email you either way."), "success")
        else:
            flash(_("You are in. We are glad you are coming; your sessions are below."), "success")
        return redirect(url_for(".manage", token=outcome.manage_secret), code=303)
    rsvp = services.pending_confirmation(token)
    _speak(rsvp.participant.language)
    return render_template("participants/confirm.html", rsvp=rsvp, participant=rsvp.participant, token=token)


def _participant(token: str) -> Participant:
    participant = links.participant_for(Purpose.MANAGE, token)
    _speak(participant.language)
    return participant


def _manage_page(token: str, participant: Participant, form: ProfileForm | None = None, status: int = 200):
    return render_template(
        "participants/manage.html",
        token=token,
        participant=participant,
        meetings=queries.my_meetings(participant),
        form=form or ProfileForm(obj=participant, formdata=None),
        now=clock.now(),
    ), status


def manage(token: str) -> ViewResult:
    participant = _participant(token)
    return _manage_page(token, participant)


def _act(token: str, action: Callable[[Participant], object], done: str) -> ViewResult:
    participant = _participant(token)
    try:
        action(participant)
    except RuleError as error:
        db.session.rollback()
        for message in (m for messages in error.errors.values() for m in messages):
            flash(message, "error")
        return _manage_page(token, db.session.get(Participant, participant.id) or abort(404), status=400)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".manage", token=token), code=303)


SEAT_DONE = {
    "skip": _l("You will skip this session. You can change your mind until it starts."),
    "unskip": _l("You are back in for this session."),
    "accept": _l("The place is yours. See you there."),
    "decline": _l("Thank you for letting us know; the place goes to the next person."),
}


def seat_action(token: str, seat_id: int) -> ViewResult:
    action = request.form.get("action", "")
    if action not in SEAT_DONE:
        abort(400)
    return _act(token, lambda p: services.change_seat(p, seat_id, action), str(SEAT_DONE[action]))


def add_session(token: str, occurrence_id: int) -> ViewResult:
    return _act(token, lambda p: services.add_session(p, occurrence_id), _("This session is added."))


def join_all(token: str, rsvp_id: int) -> ViewResult:
    return _act(token, lambda p: services.join_all(p, rsvp_id), _("You are now signed up for all upcoming sessions."))


def leave(token: str, rsvp_id: int) -> ViewResult:
    if request.method == "GET":
        participant = _participant(token)
        rsvp = db.session.get(Rsvp, rsvp_id)
        if rsvp is None or rsvp.participant_id != participant.id:
            abort(404)
        return render_template("participants/leave.html", token=token, rsvp=rsvp, participant=participant)
    return _act(token, lambda p: services.leave(p, rsvp_id), _("You have left this meeting. You are welcome back."))


def profile(token: str) -> ViewResult:
    participant = _participant(token)
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(
                participant, form.display_name.data or "", form.timezone.data or "", form.language.data or ""
            )
        except RuleError as error:
            db.session.rollback()
            _show_errors(form, error)
        else:
            db.session.commit()
            _speak(participant.language)
            flash(_("Saved."), "success")
            return redirect(url_for(".manage", token=token), code=303)
    return _manage_page(token, participant, form, status=400)


def erase(token: str) -> ViewResult:
    participant = _participant(token)
    if request.method == "GET":
        return render_template("participants/erase.html", token=token, participant=participant)
    privacy.erase(participant)
    db.session.commit()
    return render_template("participants/erased.html")


def calendar(token: str) -> BaseResponse:
    participant = _participant(token)
    body = calendar_export.my_calendar(participant)
    db.session.commit()  # the join links inside were issued just now
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="my-meetings.ics"'},
    )


def _join(rsvp: Rsvp) -> ViewResult:
    _speak(rsvp.participant.language)
    decision = queries.join_decision(rsvp)
    if decision.state == "open" and decision.url:
        return redirect(decision.url, code=302)
    return render_template("participants/join.html", decision=decision, rsvp=rsvp, participant=rsvp.participant)


def join(token: str) -> ViewResult:
    row = links.resolve(Purpose.JOIN, token)
    rsvp = db.session.get(Rsvp, row.rsvp_id) if row.rsvp_id else None
    if rsvp is None:
        raise links.LinkError("unknown")
    return _join(rsvp)


def manage_join(token: str, rsvp_id: int) -> ViewResult:
    participant = _participant(token)
    rsvp = db.session.get(Rsvp, rsvp_id)
    if rsvp is None or rsvp.participant_id != participant.id:
        abort(404)
    return _join(rsvp)


def link_problem(error: links.LinkError) -> tuple[str, int]:
    db.session.rollback()
    return render_template("participants/link_problem.html", message=error.message), error.status


def private_headers(response: BaseResponse) -> BaseResponse:
    """Personal pages: not cached, not indexed, and no Referer that could carry a token to another site."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _show_errors(form: RsvpForm | ProfileForm, error: RuleError) -> None:
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + messages
        else:
            for message in messages:
                flash(message, "error")
