"""Imports every model module so the metadata (and Alembic) sees all tables."""

from scheduler.auth.models import User
from scheduler.integrations.models import VideoRoom
from scheduler.meetings.models import Group, GroupMembership, Occurrence, Series, Speaker
from scheduler.notifications.models import OutboxMessage
from scheduler.participants.models import LinkToken, Participant, Rsvp, Seat, SeatCounter

__all__ = [
    "Group",
    "GroupMembership",
    "LinkToken",
    "Occurrence",
    "OutboxMessage",
    "Participant",
    "Rsvp",
    "Seat",
    "SeatCounter",
    "Series",
    "Speaker",
    "User",
    "VideoRoom",
]
