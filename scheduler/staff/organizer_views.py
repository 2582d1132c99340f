"""Organizer and counselor pages: thin views over the meetings services."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations.room_panel import video_room_panel
from scheduler.meetings import embed_origins, permissions, restore, services
from scheduler.meetings import groups as group_service
from scheduler.meetings.forms import GroupForm, MemberForm, MoveForm, ReasonForm
from scheduler.meetings.models import Group, Occurrence, Series, SeriesStatus
from scheduler.meetings.occurrences import changed_sessions
from scheduler.meetings.series_form import SeriesForm
from scheduler.notifications import sender
from scheduler.participants import queries as participant_queries
from scheduler.participants.links import absolute_url
from scheduler.rules import RuleError
from scheduler.web import FAILED, authorized, transact

organizer_bp = Blueprint("organizer", __name__, url_prefix="/organizer")


@organizer_bp.before_request
@login_required
def require_login() -> None:
    return None


def _series_form(group: Group, series: Series | None = None) -> SeriesForm:
    form = SeriesForm()
    form.set_host_choices([(user.id, user.name) for user, _role in group_service.members(group)])
    if request.method == "GET":
        if series is not None:
            form.fill_from(series)
        else:
            form.timezone.data = group.timezone
            form.language.data = group.language
    return form


def dashboard() -> str:
    groups = db.session.scalars(
        permissions.visible_groups_query(current_user).options(so.selectinload(Group.series))
    ).all()
    now = clock.now()
    upcoming = db.session.scalars(
        sa.select(Occurrence)
        .join(Series)
        .where(
            Series.group_id.in_([g.id for g in groups]),
            Occurrence.end > now,
            Occurrence.start < now + timedelta(days=14),
        )
        .options(so.contains_eager(Occurrence.series).selectinload(Series.group))
        .order_by(Occurrence.start)
    ).all()
    return render_template(
        "organizer/dashboard.html",
        groups=groups,
        upcoming=upcoming,
        can_create=group_service.can_create_groups(current_user),
    )


def group_new() -> str | Response:
    if not group_service.can_create_groups(current_user):
        abort(403)
    form = GroupForm()
    if request.method == "GET":
        form.timezone.data = current_user.timezone
        form.language.data = current_user.language
    if form.validate_on_submit() and (
        (group := transact(lambda: group_service.create_group(_group_input(form), current_user), form)) is not FAILED
    ):
        flash(_("The group is created."), "success")
        return redirect(url_for(".group_detail", group_id=group.id))
    return render_template("organizer/group_form.html", form=form, group=None), 400 if form.errors else 200


def _group_input(form: GroupForm) -> group_service.GroupInput:
    return group_service.GroupInput(
        name=form.name.data or "",
        slug=form.slug.data or "",
        description=form.description.data or "",
        topic=form.topic.data or "other",
        timezone=(form.timezone.data or "").strip(),
        language=form.language.data or "en",
        visibility=form.visibility.data or "public",
        discreet=bool(form.discreet.data),
        helpline=form.helpline.data,
        embed_origins=form.embed_origins.data or "",
    )


def group_detail(group_id: int) -> str:
    group = authorized(Group, group_id, permissions.can_view_group)
    series = db.session.scalars(sa.select(Series).where(Series.group_id == group.id).order_by(Series.created_at)).all()
    return render_template(
        "organizer/group_detail.html",
        group=group,
        series=series,
        members=group_service.members(group),
        member_form=MemberForm(),
        can_manage=permissions.can_manage_group(current_user, group),
        can_edit=permissions.can_edit_meetings(current_user, group),
        failed_emails=sender.failed_for_group(group.id),
        embed_snippet=embed_origins.iframe_snippet(absolute_url("embed.group_page", slug=group.slug), group.name),
        fragment_url=absolute_url("embed.group_fragment", slug=group.slug),
        embed_origins=embed_origins.stored(group.embed_origins),
    )


def emails_retry(group_id: int) -> Response:
    group = authorized(Group, group_id, permissions.can_manage_group)
    count = sender.retry_failed(group.id)
    db.session.commit()
    flash(ngettext("%(num)d email will be sent again.", "%(num)d emails will be sent again.", count), "success")
    return redirect(url_for(".group_detail", group_id=group.id))


def group_edit(group_id: int) -> str | Response:
    group = authorized(Group, group_id, permissions.can_manage_group)
    form = GroupForm(obj=group)
    if request.method == "GET":
        form.embed_origins.data = "\n".join(embed_origins.stored(group.embed_origins))
    if form.validate_on_submit() and (
        transact(lambda: group_service.update_group(group, _group_input(form)), form) is not FAILED
    ):
        flash(_("Saved."), "success")
        return redirect(url_for(".group_detail", group_id=group.id))
    return render_template("organizer/group_form.html", form=form, group=group), 400 if form.errors else 200


def member_add(group_id: int) -> Response:
    group = authorized(Group, group_id, permissions.can_manage_group)
    form = MemberForm()
    if not form.validate_on_submit():
        flash(_("Enter the email of an existing staff account and a role."), "error")
        return redirect(url_for(".group_detail", group_id=group.id))
    if (
        transact(lambda: group_service.add_member_by_email(group, form.email.data or "", form.role.data or ""))
        is not FAILED
    ):
        flash(_("Member added."), "success")
    return redirect(url_for(".group_detail", group_id=group.id))


def member_remove(group_id: int, user_id: int) -> Response:
    group = authorized(Group, group_id, permissions.can_manage_group)
    if transact(lambda: group_service.remove_member(group, user_id)) is not FAILED:
        flash(_("Member removed."), "success")
    return redirect(url_for(".group_detail", group_id=group.id))


def series_new(group_id: int) -> str | Response | tuple[str, int]:
    group = authorized(Group, group_id, permissions.can_edit_meetings)
    form = _series_form(group)
    if form.validate_on_submit() and (
        (series := transact(lambda: services.create_series(group, form.to_input()), form)) is not FAILED
    ):
        flash(_("The meeting is saved."), "success")
        return redirect(url_for(".series_detail", series_id=series.id))
    return _series_form_page(form, group, None)


def _series_form_page(form: SeriesForm, group: Group, series: Series | None, **extra: object) -> tuple[str, int]:
    """The meeting form again: after a POST with its errors (400) and the sessions it would make."""
    status = 400 if request.method == "POST" else 200
    preview = _preview(form) if request.method == "POST" else None
    page = render_template(
        "organizer/series_form.html", form=form, group=group, series=series, preview=preview, **extra
    )
    return page, status


def _preview(form: SeriesForm) -> dict[str, object]:
    """The next five sessions in the meeting's zone and the organizer's, or why there are none."""
    if not form.start_date.data or not form.start_time.data:
        return {"error": _("Enter the first date and the start time to see the next sessions.")}
    try:
        planned = services.plan(form.to_input(), preview_count=5)
    except RuleError as error:
        return {"error": " ".join(error.messages)}
    return {"plan": planned, "timezone": (form.timezone.data or "").strip()}


def series_preview(group_id: int) -> str:
    group = authorized(Group, group_id, permissions.can_view_group)
    form = _series_form(group)
    form.validate()
    return render_template("organizer/_preview.html", preview=_preview(form))


def series_detail(series_id: int) -> str:
    series = authorized(Series, series_id, permissions.can_edit_series)
    now = clock.now()
    occurrences = db.session.scalars(
        sa.select(Occurrence)
        .where(Occurrence.series_id == series.id, Occurrence.end > now - timedelta(days=14))
        .order_by(Occurrence.start)
        .limit(30)
    ).all()
    return render_template(
        "organizer/series_detail.html",
        series=series,
        occurrences=occurrences,
        people=participant_queries.counts(occurrences),
        room=video_room_panel(series),
        now=now,
        restore_until=restore.restore_deadline(series),
    )


def series_edit(series_id: int) -> str | Response | tuple[str, int]:
    series = authorized(Series, series_id, permissions.can_edit_series)
    if series.status == SeriesStatus.CANCELLED:
        flash(_("This meeting was cancelled and can no longer be changed."), "error")
        return redirect(url_for(".series_detail", series_id=series.id))
    form = _series_form(series.group, series)
    if form.validate_on_submit() and (
        transact(lambda: services.update_series(series, form.to_input()), form) is not FAILED
    ):
        flash(_("The meeting is updated."), "success")
        return redirect(url_for(".series_detail", series_id=series.id))
    return _series_form_page(form, series.group, series, changed_sessions=changed_sessions(series))


def series_status(series_id: int) -> Response:
    series = authorized(Series, series_id, permissions.can_edit_series)
    if transact(lambda: services.set_status(series, request.form.get("status", ""))) is not FAILED:
        flash(
            _("The meeting is published.")
            if series.status == SeriesStatus.PUBLISHED
            else _("The meeting is now a draft."),
            "success",
        )
    return redirect(url_for(".series_detail", series_id=series.id))


def series_cancel(series_id: int) -> str | Response | tuple[str, int]:
    series = authorized(Series, series_id, permissions.can_edit_series)
    form = ReasonForm()
    if form.validate_on_submit() and (
        transact(lambda: services.cancel_series(series, form.reason.data or ""), form) is not FAILED
    ):
        flash(
            _(
                "The meeting is cancelled. Participants are told in 10 minutes; "
                "restoring it before then takes it back without telling anyone."
            ),
            "success",
        )
        return redirect(url_for(".series_detail", series_id=series.id))
    status = 400 if form.errors else 200
    return render_template("organizer/reason_form.html", form=form, series=series, occurrence=None), status


def series_restore(series_id: int) -> Response:
    series = authorized(Series, series_id, permissions.can_edit_series)
    if transact(lambda: restore.restore_series(series)) is not FAILED:
        flash(_("The meeting takes place again; nobody was told it was cancelled."), "success")
    return redirect(url_for(".series_detail", series_id=series.id))


def occurrence_cancel(occurrence_id: int) -> str | Response | tuple[str, int]:
    occurrence = authorized(Occurrence, occurrence_id, permissions.can_edit_occurrence)
    form = ReasonForm()
    if form.validate_on_submit() and (
        transact(lambda: services.cancel_occurrence(occurrence, form.reason.data or ""), form) is not FAILED
    ):
        flash(
            _(
                "The session is cancelled. Participants are told in 10 minutes; "
                "restoring it before then takes it back without telling anyone."
            ),
            "success",
        )
        return redirect(url_for(".series_detail", series_id=occurrence.series_id))
    status = 400 if form.errors else 200
    return render_template(
        "organizer/reason_form.html", form=form, series=occurrence.series, occurrence=occurrence
    ), status


def occurrence_restore(occurrence_id: int) -> Response:
    occurrence = authorized(Occurrence, occurrence_id, permissions.can_edit_occurrence)
    if transact(lambda: services.restore_occurrence(occurrence)) is not FAILED:
        flash(_("The session takes place again."), "success")
    return redirect(url_for(".series_detail", series_id=occurrence.series_id))


def occurrence_move(occurrence_id: int) -> str | Response | tuple[str, int]:
    occurrence = authorized(Occurrence, occurrence_id, permissions.can_edit_occurrence)
    series = occurrence.series
    form = MoveForm()
    if request.method == "GET":
        local = occurrence.start.astimezone(_zone(series.timezone))
        form.date.data, form.time.data = local.date(), local.time().replace(tzinfo=None)
        form.duration_minutes.data = int((occurrence.end - occurrence.start).total_seconds() // 60)
    if form.validate_on_submit() and (
        transact(
            lambda: services.move_occurrence(
                occurrence,
                datetime.combine(form.date.data, form.time.data),  # type: ignore[arg-type]
                form.duration_minutes.data,
            ),
            form,
            done=_("The session is moved."),
        )
        is not FAILED
    ):
        return redirect(url_for(".series_detail", series_id=series.id))
    status = 400 if form.errors or request.method == "POST" else 200
    return render_template("organizer/move_form.html", form=form, series=series, occurrence=occurrence), status


def occurrence_split(occurrence_id: int) -> str | Response | tuple[str, int]:
    occurrence = authorized(Occurrence, occurrence_id, permissions.can_edit_occurrence)
    series = occurrence.series
    form = _series_form(series.group, series)
    if request.method == "GET":
        local = occurrence.original_start.astimezone(_zone(series.timezone))
        form.start_date.data = local.date()
    if form.validate_on_submit() and (
        (successor := transact(lambda: services.split_series(series, occurrence, form.to_input()), form)) is not FAILED
    ):
        flash(_("This session and all following ones are changed."), "success")
        return redirect(url_for(".series_detail", series_id=successor.id))
    return _series_form_page(form, series.group, series, split_from=occurrence)


def _zone(name: str):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


_ROUTES = [
    ("/", dashboard, ["GET"]),
    ("/groups/new", group_new, ["GET", "POST"]),
    ("/groups/<int:group_id>", group_detail, ["GET"]),
    ("/groups/<int:group_id>/emails/retry", emails_retry, ["POST"]),
    ("/groups/<int:group_id>/edit", group_edit, ["GET", "POST"]),
    ("/groups/<int:group_id>/members", member_add, ["POST"]),
    ("/groups/<int:group_id>/members/<int:user_id>/remove", member_remove, ["POST"]),
    ("/groups/<int:group_id>/meetings/new", series_new, ["GET", "POST"]),
    ("/groups/<int:group_id>/meetings/preview", series_preview, ["POST"]),
    ("/meetings/<int:series_id>", series_detail, ["GET"]),
    ("/meetings/<int:series_id>/edit", series_edit, ["GET", "POST"]),
    ("/meetings/<int:series_id>/status", series_status, ["POST"]),
    ("/meetings/<int:series_id>/cancel", series_cancel, ["GET", "POST"]),
    ("/meetings/<int:series_id>/restore", series_restore, ["POST"]),
    ("/occurrences/<int:occurrence_id>/cancel", occurrence_cancel, ["GET", "POST"]),
    ("/occurrences/<int:occurrence_id>/restore", occurrence_restore, ["POST"]),
    ("/occurrences/<int:occurrence_id>/move", occurrence_move, ["GET", "POST"]),
    ("/occurrences/<int:occurrence_id>/change-following", occurrence_split, ["GET", "POST"]),
]

for rule, handler, methods in _ROUTES:
    organizer_bp.add_url_rule(rule, view_func=handler, methods=methods)
