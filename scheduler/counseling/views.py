"""The counselor's pages: dashboard, one session (attendance, message, hosting), the missing-host page and the
curriculum. Thin: check access, parse a form, call one service, commit, redirect or render."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from scheduler import clock
from scheduler.counseling import access, curriculum, notices, sessions
from scheduler.counseling.forms import ActionForm, CurriculumForm, MarkForm, MessageForm
from scheduler.meetings import services as meeting_services
from scheduler.meetings.forms import ReasonForm
from scheduler.meetings.models import Occurrence, Series
from scheduler.participants import queries
from scheduler.web import FAILED, authorized, transact

ViewResult = str | Response | tuple[str, int]


@login_required
def dashboard() -> str:
    upcoming = sessions.my_sessions(current_user)
    groups = sessions.my_groups(current_user)
    return render_template(
        "counseling/dashboard.html",
        groups=groups,
        upcoming=upcoming,
        counts=queries.counts(upcoming),
        lists=sessions.attendance_lists(upcoming),
        hosts=sessions.host_states(upcoming),
        evaluable={g.id for g in groups if access.can_evaluate(current_user, g)},
        now=clock.now(),
    )


def _session_page(occurrence: Occurrence, message_form: MessageForm | None = None, status: int = 200):
    return render_template(
        "counseling/session.html",
        occurrence=occurrence,
        series=occurrence.series,
        counts=queries.counts([occurrence])[occurrence.id],
        people=sessions.attendance_lists([occurrence])[occurrence.id],
        host=sessions.host_states([occurrence])[occurrence.id],
        can_mark=sessions.attendance_open(occurrence),
        message_form=message_form or MessageForm(formdata=None),
        action_form=ActionForm(formdata=None),
        now=clock.now(),
    ), status


@login_required
def session(occurrence_id: int) -> ViewResult:
    return _session_page(authorized(Occurrence, occurrence_id, access.can_run_session))


@login_required
def mark(occurrence_id: int, participant_id: int) -> ViewResult:
    occurrence = authorized(Occurrence, occurrence_id, access.can_run_session)
    form = MarkForm()
    if not form.validate_on_submit():
        flash(_("Choose present, absent or excused."), "error")
        return _session_page(occurrence, status=400)
    if (
        transact(lambda: sessions.mark_attendance(occurrence, participant_id, form.status.data or "", current_user))
        is FAILED
    ):
        return _session_page(occurrence, status=400)
    return redirect(url_for(".session", occurrence_id=occurrence.id, _anchor=f"p{participant_id}"), code=303)


@login_required
def message(occurrence_id: int) -> ViewResult:
    occurrence = authorized(Occurrence, occurrence_id, access.can_run_session)
    form = MessageForm()
    if form.validate_on_submit():
        sent = transact(
            lambda: notices.message_confirmed(occurrence, form.body.data or "", current_user), form, field="body"
        )
        if sent is not FAILED:
            flash(
                ngettext(
                    "Your message is on its way to %(num)d person.",
                    "Your message is on its way to %(num)d people.",
                    sent,
                ),
                "success",
            )
            return redirect(url_for(".session", occurrence_id=occurrence.id), code=303)
    return _session_page(occurrence, form, status=400)


@login_required
def host(occurrence_id: int) -> ViewResult:
    occurrence = authorized(Occurrence, occurrence_id, access.can_host)
    if not ActionForm().validate_on_submit():
        abort(400)
    transact(lambda: sessions.confirm_hosting(occurrence, current_user), done=_("Thank you: you host this session."))
    back = request.form.get("next") == "cover"
    target = ".cover" if back else ".session"
    return redirect(url_for(target, occurrence_id=occurrence.id), code=303)


@login_required
def cover(occurrence_id: int) -> ViewResult:
    """Where the missing-host alert leads: confirm hosting, or cancel the session (participants are told)."""
    occurrence = authorized(Occurrence, occurrence_id, access.can_host)
    form = ReasonForm()
    can_cancel = access.can_run_sessions(current_user, occurrence.series.group)
    status = 200
    if request.method == "POST":
        if not can_cancel:
            abort(403)
        if form.validate_on_submit() and (
            transact(
                lambda: meeting_services.cancel_occurrence(occurrence, form.reason.data or ""),
                form,
                field="reason",
                done=_("The session is cancelled; the participants are told."),
            )
            is not FAILED
        ):
            return redirect(url_for(".cover", occurrence_id=occurrence.id), code=303)
        status = 400
    return render_template(
        "counseling/cover.html",
        occurrence=occurrence,
        series=occurrence.series,
        host=sessions.host_states([occurrence])[occurrence.id],
        form=form,
        action_form=ActionForm(formdata=None),
        can_cancel=can_cancel,
        now=clock.now(),
    ), status


@login_required
def topics(series_id: int) -> ViewResult:
    series = authorized(Series, series_id, access.can_run_series)
    shown = curriculum.sessions(series)
    form = CurriculumForm()
    if request.method == "GET":
        for occurrence in shown:
            form.sessions.append_entry({"occurrence_id": occurrence.id, "topic": occurrence.topic or ""})
    elif form.validate_on_submit() and (
        transact(
            lambda: curriculum.set_topics(series, {e.occurrence_id.data: e.topic.data or "" for e in form.sessions}),
            done=_("The session topics are saved."),
        )
        is not FAILED
    ):
        return redirect(url_for(".topics", series_id=series.id), code=303)
    by_id = {o.id: o for o in shown}
    entries = [(entry, by_id.get(entry.occurrence_id.data)) for entry in form.sessions]
    status = 400 if request.method == "POST" else 200
    return render_template("counseling/curriculum.html", series=series, form=form, entries=entries), status
