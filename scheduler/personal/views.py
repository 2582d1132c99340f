"""Confirming, the manage page and its actions, joining. Thin: resolve the link, call one service, commit, render.

A link that changes something shows a page with a button on GET and acts on POST, because mail scanners
prefetch links. Every page about the person is in the person's language.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from werkzeug.wrappers import Response as BaseResponse

from scheduler import clock
from scheduler.counseling import streaks
from scheduler.extensions import db
from scheduler.notifications import contacts, optouts
from scheduler.participants import links, privacy, queries, signup
from scheduler.participants import manage as manage_service
from scheduler.participants.forms import ProfileForm
from scheduler.participants.models import Participant, Rsvp, RsvpStatus
from scheduler.participants.tokens import Purpose
from scheduler.personal import calendar_export, joining
from scheduler.web import FAILED, speak, transact

ViewResult = str | BaseResponse | tuple[str, int]


def confirm(token: str) -> ViewResult:
    if request.method == "POST":
        outcome = signup.confirm(token)
        db.session.commit()
        speak(outcome.rsvp.participant.language)
        if outcome.rsvp.status == RsvpStatus.AWAITING_APPROVAL:
            flash(_("Thank you. The host will look at your request and we will email you either way."), "success")
        else:
            flash(_("You are in. We are glad you are coming; your sessions are below."), "success")
        return redirect(url_for(".manage", token=outcome.manage_secret), code=303)
    rsvp = signup.pending_confirmation(token)
    speak(rsvp.participant.language)
    return render_template("personal/confirm.html", rsvp=rsvp, participant=rsvp.participant, token=token)


def participant_for(token: str) -> Participant:
    """The person a manage link belongs to; the page is in their language from here on."""
    participant = links.participant_for(Purpose.MANAGE, token)
    speak(participant.language)
    return participant


def own_rsvp(participant: Participant, rsvp_id: int) -> Rsvp:
    """One of the person's own sign-ups, or 404."""
    rsvp = db.get_or_404(Rsvp, rsvp_id)
    if rsvp.participant_id != participant.id:
        abort(404)
    return rsvp


def manage_page(token: str, participant: Participant, form: ProfileForm | None = None, status: int = 200):
    """Everything the page shows, in a number of statements that does not grow with the person's meetings."""
    now = clock.now()
    meetings = queries.my_meetings(participant)
    actions = {
        (item.rsvp.id, occurrence.id): manage_service.seat_actions(
            item.rsvp.status, seat.status if seat else None, occurrence, now
        )
        for item in meetings
        for occurrence, seat in item.sessions
    }
    return render_template(
        "personal/manage.html",
        token=token,
        participant=participant,
        meetings=meetings,
        actions=actions,
        reminders_off=optouts.off_series(participant.id, [item.rsvp.series_id for item in meetings]),
        attendance=streaks.for_manage_page(participant),
        channels=contacts.overview(participant.id),
        form=form or ProfileForm(obj=participant, formdata=None),
        now=now,
    ), status


def manage(token: str) -> ViewResult:
    return manage_page(token, participant_for(token))


def _act(token: str, action: Callable[[Participant], object], done: LazyString) -> ViewResult:
    """`done` stays lazy until the page speaks the person's language (not the browser's)."""
    participant = participant_for(token)
    if transact(lambda: action(participant), done=done) is FAILED:
        return manage_page(token, db.get_or_404(Participant, participant.id), status=400)
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
    return _act(token, lambda p: manage_service.change_seat(p, seat_id, action), SEAT_DONE[action])


def add_session(token: str, occurrence_id: int) -> ViewResult:
    return _act(token, lambda p: manage_service.add_session(p, occurrence_id), _l("This session is added."))


def join_all(token: str, rsvp_id: int) -> ViewResult:
    return _act(
        token, lambda p: manage_service.join_all(p, rsvp_id), _l("You are now signed up for all upcoming sessions.")
    )


def leave(token: str, rsvp_id: int) -> ViewResult:
    if request.method == "GET":
        participant = participant_for(token)
        rsvp = own_rsvp(participant, rsvp_id)
        return render_template("personal/leave.html", token=token, rsvp=rsvp, participant=participant)
    return _act(
        token, lambda p: manage_service.leave(p, rsvp_id), _l("You have left this meeting. You are welcome back.")
    )


def profile(token: str) -> ViewResult:
    participant = participant_for(token)
    form = ProfileForm()
    if form.validate_on_submit() and (
        transact(
            lambda: manage_service.update_profile(
                participant, form.display_name.data or "", form.timezone.data or "", form.language.data or ""
            ),
            form,
        )
        is not FAILED
    ):
        speak(participant.language)
        flash(_("Saved."), "success")
        return redirect(url_for(".manage", token=token), code=303)
    return manage_page(token, participant, form, status=400)


def erase(token: str) -> ViewResult:
    participant = participant_for(token)
    if request.method == "GET":
        return render_template("personal/erase.html", token=token, participant=participant)
    privacy.erase(participant)
    db.session.commit()
    return render_template("personal/erased.html")


def calendar(token: str) -> BaseResponse:
    participant = participant_for(token)
    body = calendar_export.my_calendar(participant)
    db.session.commit()  # the join links inside were issued just now
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="my-meetings.ics"'},
    )


def show_join(rsvp: Rsvp) -> ViewResult:
    """Into the room when it is open, or a page that says when it opens (or why not)."""
    speak(rsvp.participant.language)
    decision = joining.join_decision(rsvp)
    if decision.state == "open" and decision.url:
        return redirect(decision.url, code=302)
    return render_template("personal/join.html", decision=decision, rsvp=rsvp, participant=rsvp.participant)


def join(token: str) -> ViewResult:
    row = links.resolve(Purpose.JOIN, token)
    rsvp = db.session.get(Rsvp, row.rsvp_id) if row.rsvp_id else None
    if rsvp is None:
        raise links.LinkError("unknown")
    return show_join(rsvp)


def manage_join(token: str, rsvp_id: int) -> ViewResult:
    return show_join(own_rsvp(participant_for(token), rsvp_id))
