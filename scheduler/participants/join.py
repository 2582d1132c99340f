"""Where a personal join link leads. The video issue replaces this one function with real room provisioning.

The URL returned here is only ever sent as a redirect from /j/<token> (or the manage page's join button),
never shown on a page, in a feed or in an email.
"""

from __future__ import annotations

from scheduler.meetings.models import Occurrence, Series
from scheduler.participants.models import Participant


def join_target(series: Series, occurrence: Occurrence, participant: Participant) -> str | None:
    """The video room for this person and session, or None while the room is being prepared."""
    if series.video_provider == "custom" and series.video_custom_url:
        return series.video_custom_url
    return None
