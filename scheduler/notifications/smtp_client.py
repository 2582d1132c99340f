"""smtplib's client with the envelope addresses written without parsing them again for every message.

`smtplib.SMTP.mail`/`rcpt` run each address through `email.utils.parseaddr` (tens of microseconds, twice a
message); the outbox holds addresses validated when they were stored. A plain ``local@domain`` address is written
as `quoteaddr` would write it (``<local@domain>``); anything else (a display name, non-ASCII, SMTPUTF8) goes
through smtplib as before, and so do all replies and errors."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Sequence

_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


def _options(client: smtplib.SMTP, options: Sequence[str]) -> str:
    return " " + " ".join(options) if options and client.does_esmtp else ""


class _PlainAddresses(smtplib.SMTP):
    def mail(self, sender: str, options: Sequence[str] = ()) -> tuple[int, bytes]:
        if _PLAIN_ADDRESS.fullmatch(sender) and not any(o.lower() == "smtputf8" for o in options):
            self.putcmd("mail", f"from:<{sender}>{_options(self, options)}")
            return self.getreply()
        return super().mail(sender, options)

    def rcpt(self, recip: str, options: Sequence[str] = ()) -> tuple[int, bytes]:
        if _PLAIN_ADDRESS.fullmatch(recip):
            self.putcmd("rcpt", f"TO:<{recip}>{_options(self, options)}")
            return self.getreply()
        return super().rcpt(recip, options)


class SMTP(_PlainAddresses):
    pass


class SMTP_SSL(_PlainAddresses, smtplib.SMTP_SSL):  # named as smtplib names it
    pass
