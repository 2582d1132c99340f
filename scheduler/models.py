"""Imports every model module so the metadata (and Alembic) sees all tables."""

from scheduler.auth.api_tokens import ApiToken
from scheduler.auth.models import User
from scheduler.counseling.models import Attendance, SessionHosting, StreakOptIn
from scheduler.health.models import WorkerHeartbeat
from scheduler.integrations.models import VideoRoom
from scheduler.meetings.models import Group, GroupMembership, Occurrence, Series, Speaker
from scheduler.notifications.channel_models import ChannelContact, ChannelCursor
from scheduler.notifications.models import OutboxMessage
from scheduler.notifications.optouts import ReminderOptOut
from scheduler.participants.models import LinkToken, Participant, Rsvp, Seat, SeatCounter
from scheduler.public.versions import ChangeCounter

__all__ = [
    "ApiToken",
    "Attendance",
    "ChangeCounter",
    "ChannelContact",
    "ChannelCursor",
    "Group",
    "GroupMembership",
    "LinkToken",
    "Occurrence",
    "OutboxMessage",
    "Participant",
    "ReminderOptOut",
    "Rsvp",
    "Seat",
    "SeatCounter",
    "Series",
    "SessionHosting",
    "Speaker",
    "StreakOptIn",
    "User",
    "VideoRoom",
    "WorkerHeartbeat",
]
