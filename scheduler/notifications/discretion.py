"""What a lock screen may show: discreet groups send as "Meeting notices", never under the group's name."""

from __future__ import annotations

from flask_babel import gettext as _

from scheduler.meetings.models import Group


def sender_name(group: Group) -> str:
    """The From name of a group's emails and the ORGANIZER name of its invites (call inside force_locale)."""
    return _("Meeting notices") if group.discreet else group.name
