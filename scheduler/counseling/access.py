"""Who may do what with a session. Staff act only on the groups they belong to (admins on all)."""

from __future__ import annotations

from scheduler.auth.models import User
from scheduler.meetings import permissions
from scheduler.meetings.models import Group, Occurrence, Series


def can_run_sessions(user: User, group: Group) -> bool:
    """Roster (display names), attendance, messages, hosting: the group's organizers and counselors."""
    return permissions.can_edit_meetings(user, group)


def can_run_session(user: User, occurrence: Occurrence) -> bool:
    return can_run_sessions(user, occurrence.series.group)


def can_run_series(user: User, series: Series) -> bool:
    return can_run_sessions(user, series.group)


def can_host(user: User, occurrence: Occurrence) -> bool:
    series = occurrence.series
    return user.id in {series.host_id, series.backup_host_id} or can_run_sessions(user, series.group)


def can_evaluate(user: User, group: Group) -> bool:
    """The program evaluation (aggregates only): the group's organizers, its counselors and admins."""
    return permissions.can_edit_meetings(user, group)


def can_evaluate_series(user: User, series: Series) -> bool:
    return can_evaluate(user, series.group)
