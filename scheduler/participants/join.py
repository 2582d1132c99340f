"""Where a personal join link leads: the meeting's video room, provisioned by the integrations.

The URL returned here is only ever sent as a redirect from /j/<token> (or the manage page's join button),
never shown on a page, in a feed or in an email. For self-hosted Jitsi and JaaS the token is minted now.
"""

from __future__ import annotations

from scheduler.integrations.provisioning import join_url_for
from scheduler.meetings.models import Occurrence, Series
from scheduler.participants.models import Participant


def join_target(series: Series, occurrence: Occurrence, participant: Participant) -> str | None:
    """The video room for this person and session, or None while the room is being prepared."""
    return join_url_for(
        series,
        occurrence,
        display_name=participant.display_name,
        participant_ref=f"participant-{participant.id}",
        is_host=False,
    )
