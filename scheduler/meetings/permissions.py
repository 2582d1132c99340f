"""Who may see and change what. Staff see only the groups they belong to; admins see all."""

from __future__ import annotations

import sqlalchemy as sa

from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.meetings.models import Group, GroupMembership, MemberRole, Occurrence, Series


def visible_groups_query(user: User) -> sa.Select[tuple[Group]]:
    query = sa.select(Group).order_by(Group.name)
    if user.is_admin:
        return query
    return query.join(GroupMembership).where(GroupMembership.user_id == user.id)


def membership_role(user: User, group: Group) -> str | None:
    return db.session.scalar(
        sa.select(GroupMembership.role).where(GroupMembership.group_id == group.id, GroupMembership.user_id == user.id)
    )


def can_view_group(user: User, group: Group) -> bool:
    return user.is_admin or membership_role(user, group) is not None


def can_manage_group(user: User, group: Group) -> bool:
    """Group settings and members: admins and the group's organizers."""
    return user.is_admin or membership_role(user, group) == MemberRole.ORGANIZER


def can_edit_meetings(user: User, group: Group) -> bool:
    """Meetings of a group: its organizers and counselors (counselors run therapist-led groups)."""
    return user.is_admin or membership_role(user, group) in {MemberRole.ORGANIZER, MemberRole.COUNSELOR}


def can_edit_series(user: User, series: Series) -> bool:
    return can_edit_meetings(user, series.group)


def can_edit_occurrence(user: User, occurrence: Occurrence) -> bool:
    return can_edit_meetings(user, occurrence.series.group)


def can_view_series(user: User, series: Series) -> bool:
    """Counts and (by roster level) the people of a meeting: any staff member of its group."""
    return can_view_group(user, series.group)


def can_view_occurrence(user: User, occurrence: Occurrence) -> bool:
    return can_view_group(user, occurrence.series.group)


def active_organizers(group_id: int) -> list[User]:
    """The group's organizers with an active account, in a stable order (for alerts)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(GroupMembership, GroupMembership.user_id == User.id)
            .where(
                GroupMembership.group_id == group_id,
                GroupMembership.role == MemberRole.ORGANIZER,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )
