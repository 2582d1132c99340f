"""Groups and their staff members."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler.auth.models import StaffRole, User
from scheduler.extensions import db
from scheduler.locales import is_valid_zone
from scheduler.meetings import embed_origins as origins
from scheduler.meetings import search_text
from scheduler.meetings.models import Group, GroupMembership, MemberRole, Topic
from scheduler.meetings.services import add_member
from scheduler.rules import RuleError

DISCREET_BY_DEFAULT = {Topic.ADDICTION, Topic.DEPRESSION}


@dataclass(frozen=True)
class GroupInput:
    name: str
    slug: str
    timezone: str
    language: str
    topic: str = Topic.OTHER
    description: str = ""
    visibility: str = "public"
    discreet: bool | None = None
    helpline: str | None = None
    embed_origins: str = ""  # sites that may show the schedule in a frame, e.g. "https://example.org"


def _check(data: GroupInput, group: Group | None) -> None:
    errors: dict[str, list[str]] = {}
    if not is_valid_zone(data.timezone):
        errors["timezone"] = [str(_l("Choose a time zone from the list."))]
    taken = db.session.scalar(sa.select(Group.id).where(Group.slug == data.slug))
    if taken is not None and (group is None or taken != group.id):
        errors["slug"] = [str(_l("Another group already uses this web address."))]
    try:
        origins.parse(data.embed_origins)
    except origins.OriginsError as error:
        errors["embed_origins"] = [
            str(
                _l(
                    "Use web origins like https://example.org or https://example.org:8443, without a path "
                    "(at most %(max)s). Not accepted: %(bad)s",
                    max=origins.MAX_ORIGINS,
                    bad=", ".join(error.bad),
                )
            )
        ]
    if errors:
        raise RuleError(errors)


def _apply(group: Group, data: GroupInput) -> None:
    group.name = data.name.strip()
    group.slug = data.slug
    group.description = data.description.strip()
    group.topic = data.topic
    group.timezone = data.timezone
    group.language = data.language
    group.visibility = data.visibility
    group.discreet = data.topic in DISCREET_BY_DEFAULT if data.discreet is None else data.discreet
    group.helpline = (data.helpline or "").strip() or None
    group.embed_origins = " ".join(origins.parse(data.embed_origins)) or None


def can_create_groups(user: User) -> bool:
    return user.role in {StaffRole.ADMIN, StaffRole.ORGANIZER}


def create_group(data: GroupInput, creator: User) -> Group:
    _check(data, None)
    group = Group()
    _apply(group, data)
    db.session.add(group)
    db.session.flush()
    if not creator.is_admin:
        add_member(group, creator, MemberRole.ORGANIZER)
    return group


def update_group(group: Group, data: GroupInput) -> Group:
    _check(data, group)
    old_name = group.name
    _apply(group, data)
    db.session.flush()
    if group.name != old_name:
        search_text.refresh_group(group)
    return group


def add_member_by_email(group: Group, email: str, role: str) -> GroupMembership:
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise RuleError({"email": [str(_l("No staff account has this email. An administrator can add one."))]})
    if role not in set(MemberRole):
        raise RuleError({"role": [str(_l("Choose organizer or counselor."))]})
    return add_member(group, user, role)


def remove_member(group: Group, user_id: int) -> None:
    membership = db.session.scalar(
        sa.select(GroupMembership).where(GroupMembership.group_id == group.id, GroupMembership.user_id == user_id)
    )
    if membership is None:
        raise RuleError({"member": [str(_l("This person is not a member of the group."))]})
    organizers = db.session.scalar(
        sa.select(sa.func.count()).where(
            GroupMembership.group_id == group.id, GroupMembership.role == MemberRole.ORGANIZER
        )
    )
    if membership.role == MemberRole.ORGANIZER and organizers == 1:
        raise RuleError({"member": [str(_l("A group needs at least one organizer."))]})
    db.session.delete(membership)
    db.session.flush()


def members(group: Group) -> list[tuple[User, str]]:
    rows = db.session.execute(
        sa.select(User, GroupMembership.role)
        .join(GroupMembership, GroupMembership.user_id == User.id)
        .where(GroupMembership.group_id == group.id)
        .order_by(User.name)
    )
    return [(user, role) for user, role in rows]
