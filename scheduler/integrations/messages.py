"""Every English message key the video adapters and the provisioning service can show, marked for extraction.

Adapters raise errors whose `user_message_key` is one of these English strings (with %(name)s params); they are
stored as keys and translated only when shown, with `translate(key, params)`.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext

from scheduler.i18n import N_

ADAPTER_MESSAGES = (
    # base.py defaults
    N_("The video service could not be reached. Please try again later."),
    N_("The video service is not configured correctly. Please contact the administrator."),
    N_("The video service is busy. The change will be retried automatically."),
    N_("The video service is temporarily unavailable. The change will be retried automatically."),
    N_("This video meeting no longer exists at the video service."),
    # jitsi.py
    N_(
        "On meet.jit.si a moderator must log in with Google, GitHub or Facebook to open this room; "
        "until then everyone else waits for a moderator."
    ),
    N_("The self-hosted Jitsi app id and secret must be set."),
    N_("The self-hosted Jitsi app secret must be at least 32 bytes long."),
    N_("Unknown Jitsi moderator style %(style)s."),
    N_("The JaaS app id must look like vpaas-magic-cookie-<hex>."),
    N_("The JaaS key id must be set."),
    N_("The JaaS private key could not be read."),
    N_("The JaaS private key must be an RSA key of at least 2048 bits."),
    # zoom.py
    N_("Zoom rejected the meeting details."),
    N_("The Zoom account id, client id and client secret must all be set."),
    N_("Zoom rejected the Server-to-Server OAuth credentials. Please check the Zoom app settings."),
    N_("The Zoom app is missing required scopes. Please ask the administrator to add them."),
    N_(
        "This Zoom account has no webinar licence, so webinars cannot be created. "
        "Please schedule a meeting instead or ask the administrator."
    ),
    N_("The host's email address is not a user of the Zoom account."),
    N_("Zoom refused access. Please check the Zoom app's credentials and permissions."),
    N_("A Zoom host must be chosen before a Zoom meeting can be created."),
    N_("Zoom did not provide a start link for this meeting."),
    N_(
        "Zoom's daily limit for creating and changing meetings has been reached. "
        "The change will be retried after midnight UTC."
    ),
    # zoom_payload.py
    N_(
        "This series has more than 50 sessions or no end date, so Zoom holds it as one recurring meeting "
        "without fixed times. The same link works for every session; the dates are kept here."
    ),
    N_("Zoom can repeat a daily meeting at most every %(limit)s days."),
    N_("Zoom can repeat a weekly meeting at most every %(limit)s weeks."),
    N_("Zoom can repeat a monthly meeting at most every %(limit)s months."),
    # registry.py
    N_("This meeting has no video link."),
    N_("Unknown video provider %(provider)s (choose one of %(choices)s)."),
    N_("The meeting link must be a web address starting with https://."),
    N_("The setting %(key)s is required for the %(provider)s video provider."),
)

# Our own keys (provisioning and webhooks).
INVALID_DETAILS = N_("The meeting details could not be sent to the video service. Please check the schedule.")
UNSUPPORTED_RULE = N_("This repeat rule cannot be sent to the video service.")
GAVE_UP = N_("The video service did not answer after several attempts. Press Retry to try again.")
DELETED_IN_ZOOM = N_(
    "The meeting was deleted in Zoom's own website. Participants see “the link is being prepared” until you "
    "press Retry, which creates a new Zoom meeting."
)
CHANGED_IN_ZOOM = N_(
    "The meeting was changed in Zoom's own website, so Zoom's copy may no longer match this schedule. "
    "Press “Send to Zoom again” to put this schedule back into Zoom."
)
SESSION_DELETED_IN_ZOOM = N_(
    "A session of this meeting was deleted in Zoom's own website. It still takes place here; "
    "press “Send to Zoom again” to put this schedule back into Zoom."
)

OWN_MESSAGES = (INVALID_DETAILS, UNSUPPORTED_RULE, GAVE_UP, DELETED_IN_ZOOM, CHANGED_IN_ZOOM, SESSION_DELETED_IN_ZOOM)
ALL_MESSAGES = frozenset(ADAPTER_MESSAGES + OWN_MESSAGES)


def translate(key: str | None, params: Mapping[str, object] | None = None) -> str:
    """The message in the current locale; falls back to English if a translation lost a placeholder."""
    if not key:
        return ""
    values = {k: str(v) for k, v in (params or {}).items()}
    try:
        return gettext(key, **values)
    except (KeyError, ValueError, TypeError):
        return key % values if values else key
