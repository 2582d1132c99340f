"""The origins allowed to frame a group's schedule: `https://host[:port]` (or http), nothing else. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

MAX_ORIGINS = 10
_ORIGIN = re.compile(
    r"^https?://"
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
    r"(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?$"
)


class OriginsError(ValueError):
    def __init__(self, bad: list[str]) -> None:
        self.bad = bad
        super().__init__(", ".join(bad))


def parse(text: str | None) -> list[str]:
    """The origins in `text` (separated by spaces, commas or new lines), lower-cased, without a trailing slash,
    each once. Raises OriginsError naming the entries that are not origins, or when there are too many."""
    seen: list[str] = []
    bad: list[str] = []
    for raw in re.split(r"[\s,]+", text or ""):
        if not raw:
            continue
        origin = raw.lower().removesuffix("/")
        if _ORIGIN.match(origin) is None or len(origin) > 100:
            bad.append(raw[:100])
        elif origin not in seen:
            seen.append(origin)
    if bad:
        raise OriginsError(bad)
    if len(seen) > MAX_ORIGINS:
        raise OriginsError(seen[MAX_ORIGINS:])
    return seen


def stored(text: str | None) -> list[str]:
    """The origins saved on a group (already checked); anything unexpected is dropped, never trusted."""
    try:
        return parse(text)
    except OriginsError:
        return []


def frame_ancestors(origins: Iterable[str]) -> str:
    """The CSP `frame-ancestors` value: the listed origins, or 'none'."""
    listed = sorted(set(origins))
    return " ".join(listed) if listed else "'none'"


def iframe_snippet(url: str, title: str) -> str:
    """The copy-paste HTML for an organizer's page (shown escaped in a text box)."""
    return (
        f'<iframe src="{escape(url)}" title="{escape(title)}" loading="lazy" '
        'style="width:100%;height:480px;border:0"></iframe>'
    )
