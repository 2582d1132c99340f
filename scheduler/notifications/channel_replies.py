"""What the bot or the number answers when a person writes to it: the connection is made, stopped, or the start
link was no good. Discreet wording (nothing names a meeting or a topic), in the person's language.

Sent straight through the adapter, once, after the webhook's (or the poll's) transaction is committed; not through
the outbox: an outbox row carries no address by design (it is looked up from the person's contact when sending,
so stopping or erasing takes effect at once), and after `/stop` or with an unknown start link there is no contact
to look the address up in; keeping the chat id or number in a row for the reply would keep exactly the address
the person asked us to forget. A reply that fails is logged by its error summary only and not retried. (The
welcome after a participant's `/start` does go through the outbox, see `contacts.bind_telegram`, since their
contact exists then.)

SMS STOP is not answered by default: Twilio (and most gateways copying it) answer STOP, STOPALL, UNSUBSCRIBE,
CANCEL, END and QUIT themselves and then refuse to send to that number (error 21610), so our own answer would
be a second message or not arrive at all. `SMS_STOP_REPLY` turns our answer on for gateways that do not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler.integrations.channels.base import ChannelError
from scheduler.integrations.channels.registry import build_channels

log = logging.getLogger("scheduler.notifications")

CONNECTED = "connected"
STOPPED = "stopped"
EXPIRED = "expired"


@dataclass(frozen=True)
class Reply:
    channel: str
    address: str
    what: str  # CONNECTED | STOPPED | EXPIRED
    language: str | None = None  # the language they chose with us, else their app's, else English


def language(*candidates: str | None) -> str:
    """The first candidate this installation speaks, else English."""
    offered = current_app.config["LANGUAGES"]
    return next((code for code in candidates if code in offered), "en")


def wording(what: str, code: str) -> str:
    with force_locale(code):
        if what == CONNECTED:
            return _("You are connected: reminders will come here. Send /stop to end.")
        if what == STOPPED:
            return _("Stopped: no more messages here.")
        return _("This link has expired or was already used: open your page again for a new one.")


def send(replies: list[Reply]) -> int:
    """Send the answers (call after committing). Returns how many went out."""
    if not replies:
        return 0
    channels = build_channels(current_app.config)
    sent = 0
    for reply in replies:
        channel = channels.get(reply.channel)
        if channel is None:
            continue
        try:
            channel.reply(reply.address, wording(reply.what, language(reply.language)))
        except ChannelError as error:
            log.info("channel %s reply not sent: %s", reply.channel, error.summary)
            continue
        sent += 1
    return sent
