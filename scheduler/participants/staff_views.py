"""Staff pages about participants: counts, the roster, requests awaiting approval, removal.

Who sees what is decided by queries.roster_level: the group's organizers and counselors see names and
addresses, other staff of the group names only, everyone else counts at most.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from scheduler.inputs import bounded_id
from scheduler.meetings import permissions
from scheduler.meetings.models import Occurrence, Series
from scheduler.participants import allocation, emails, lifecycle, queries
from scheduler.participants.models import Rsvp
from scheduler.participants.queries import RosterLevel
from scheduler.web import FAILED, authorized, transact


@login_required
def series_people(series_id: int) -> str:
    series = authorized(Series, series_id, permissions.can_view_series)
    level = queries.roster_level(current_user, series.group)
    occurrences = queries.upcoming_occurrences(series)
    return render_template(
        "organizer/participants_series.html",
        series=series,
        occurrences=occurrences,
        counts=queries.counts(occurrences),
        level=level,
        RosterLevel=RosterLevel,
        requests=queries.requests_awaiting(series) if level >= RosterLevel.NAMES else [],
        to_undo=emails.declines_held(series) if level >= RosterLevel.NAMES else [],
        removals_to_undo=emails.removals_held(series) if level >= RosterLevel.NAMES else [],
        questions=queries.questions(series) if level >= RosterLevel.NAMES else [],
        can_act=level >= RosterLevel.NAMES and permissions.can_edit_series(current_user, series),
        approval=allocation.needs_approval(series),
    )


@login_required
def occurrence_people(occurrence_id: int) -> str:
    occurrence = authorized(Occurrence, occurrence_id, permissions.can_view_occurrence)
    series = occurrence.series
    level = queries.roster_level(current_user, series.group)
    return render_template(
        "organizer/participants_occurrence.html",
        series=series,
        occurrence=occurrence,
        counts=queries.counts([occurrence])[occurrence.id],
        roster=queries.roster(occurrence, level),
        removals_to_undo=emails.removals_held(series) if level >= RosterLevel.NAMES else [],
        level=level,
        RosterLevel=RosterLevel,
        can_act=level >= RosterLevel.NAMES and permissions.can_edit_series(current_user, series),
    )


DONE = {
    "approve": _l("The request is accepted and the person is told."),
    "decline": _l("The request is declined. The person is told kindly in 10 minutes; until then you can undo it."),
    "remove": _l("The person is removed and their links no longer work."),
    "undo": _l("Undone: the request waits for your answer again and no email was sent."),
    "undo-remove": _l("Undone: the person is signed up again with their seats and links, and no email was sent."),
}
REMOVED_UNDOABLE = _l(
    "The person is removed and their links no longer work. They are told in 10 minutes; until then you can undo it."
)
SERVICES = {
    "approve": lifecycle.approve,
    "decline": lifecycle.decline,
    "remove": lifecycle.remove,
    "undo": lifecycle.undo_decline,
    "undo-remove": lifecycle.undo_remove,
}
# Consequential actions are asked once: the first POST shows what will happen, the confirmed one does it.
ASK_FIRST = {
    "decline": _l(
        "Decline the request of %(name)s for “%(title)s”? "
        "They will get a kind email in 10 minutes; until then you can undo."
    ),
    "remove": _l(
        "Remove %(name)s from “%(title)s”? Their seats are freed, their links stop working and they are told."
    ),
}


@login_required
def rsvp_action(rsvp_id: int, action: str) -> Response | str:
    rsvp = authorized(Rsvp, rsvp_id, lambda user, rsvp: permissions.can_view_series(user, rsvp.series))
    series = rsvp.series
    if queries.roster_level(current_user, series.group) < RosterLevel.NAMES:
        abort(403)
    if not permissions.can_edit_series(current_user, series):
        abort(403)
    service = SERVICES.get(action)
    if service is None:
        abort(404)
    if action in ASK_FIRST and request.form.get("confirm") != "yes":
        question = ASK_FIRST[action] % {"name": rsvp.participant.display_name, "title": series.title}
        return render_template(
            "organizer/confirm_rsvp_action.html",
            rsvp=rsvp,
            series=series,
            action=action,
            question=question,
            occurrence_id=request.form.get("occurrence_id", type=bounded_id),
        )
    outcome = transact(lambda: service(rsvp))
    if outcome is not FAILED:
        flash(str(REMOVED_UNDOABLE if action == "remove" and outcome is True else DONE[action]), "success")
    back = request.form.get("occurrence_id", type=bounded_id)
    if back:
        return redirect(url_for("participants.occurrence_people", occurrence_id=back), code=303)
    return redirect(url_for("participants.series_people", series_id=series.id), code=303)
