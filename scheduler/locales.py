"""Languages and time zones: the one list of each. Pure (no Flask, no database).

`config.LANGUAGES` says which of these languages an installation offers; `is_valid_zone` is the one check of a
zone name (services, forms, cookies); `zone_choices` is what every zone picker offers.
"""

from __future__ import annotations

import functools
from zoneinfo import available_timezones

LANGUAGE_NAMES = {"en": "English", "bn": "বাংলা", "id": "Bahasa Indonesia", "nl": "Nederlands"}

_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@functools.cache
def valid_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_ZONES


def is_valid_zone(name: str) -> bool:
    """True for an IANA zone known to zoneinfo (never raises)."""
    return isinstance(name, str) and name in valid_zones()


@functools.cache
def zone_choices() -> tuple[str, ...]:
    """The zones a picker suggests: the regional names (Asia/Dhaka, Europe/Amsterdam) and UTC."""
    zones = sorted(z for z in valid_zones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return (*zones, "UTC")
