"""Imports every model module so the metadata (and Alembic) sees all tables."""

from scheduler.auth.models import User
from scheduler.meetings.models import Group, GroupMembership, Occurrence, Series, Speaker
from scheduler.notifications.models import OutboxMessage

__all__ = ["Group", "GroupMembership", "Occurrence", "OutboxMessage", "Series", "Speaker", "User"]
