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


@functools.cache
def picker_zones() -> tuple[str, ...]:
    """The zones a full picker lists: `zone_choices` without the old alias names CLDR maps to another zone."""
    from babel.core import get_global

    aliases = get_global("zone_aliases")
    return tuple(z for z in zone_choices() if z not in aliases)


# Where a browser's language says the person probably is, when nothing better is known (no cookie, no account).
def territory_zone(territory: str | None) -> str | None:
    """The main zone of a country code ('BD' -> 'Asia/Dhaka'), or None."""
    from babel.core import get_global

    if not territory:
        return None
    code = territory.upper()
    if code in _MAIN_ZONES and is_valid_zone(_MAIN_ZONES[code]):
        return _MAIN_ZONES[code]
    zones = get_global("territory_zones").get(code)
    return zones[0] if zones and is_valid_zone(zones[0]) else None


def language_zone(tag: str) -> str | None:
    """The zone an Accept-Language tag points to: its region ('nl-BE'), else where the language is mostly spoken."""
    from babel.core import get_global

    parts = tag.replace("_", "-").split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    if region is None and parts[0].lower() in _WORLD_LANGUAGES:
        return None  # spoken on several continents: a bare 'en' says nothing about where
    if region is None:
        likely = get_global("likely_subtags").get(parts[0].lower(), "")
        region = likely.split("_")[-1] if likely.count("_") >= 1 else None
    return territory_zone(region)


_WORLD_LANGUAGES = frozenset({"en", "es", "fr", "ar", "pt", "zh", "ru", "sw"})

# Countries with several zones: the one most people live in (CLDR lists them alphabetically).
_MAIN_ZONES = {
    "AR": "America/Argentina/Buenos_Aires", "AU": "Australia/Sydney", "BR": "America/Sao_Paulo",
    "CA": "America/Toronto", "CD": "Africa/Kinshasa", "CL": "America/Santiago", "CN": "Asia/Shanghai",
    "EC": "America/Guayaquil", "ES": "Europe/Madrid", "ID": "Asia/Jakarta", "KZ": "Asia/Almaty",
    "MN": "Asia/Ulaanbaatar", "MX": "America/Mexico_City", "MY": "Asia/Kuala_Lumpur", "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon", "RU": "Europe/Moscow", "UA": "Europe/Kyiv", "US": "America/New_York",
}  # fmt: skip
