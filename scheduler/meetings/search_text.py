"""What meeting searches match on: one fold for the stored column and for the text a person types.

Case-folded and with the accents of Latin (and Greek, Cyrillic) letters taken off, so "É" finds "e" and
"Über" finds "uber" on SQLite as on PostgreSQL. Only the combining marks of the block U+0300..U+036F are
dropped: the vowel signs, nukta and hasanta of Bengali (and other Indic scripts) are part of the letters and
stay, recomposed, so a Bengali title still matches a piece of itself."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.meetings.models import Group, Series

MAX_CHARS = 300  # the column: a 150-character title and a 120-character group name, folded (ß -> ss)


def _is_accent(char: str) -> bool:
    return "\u0300" <= char <= "\u036f"


def fold(text: str) -> str:
    """Case-folded, Latin accents stripped, Unicode compatibility forms unified, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(char for char in decomposed if not _is_accent(char))
    return " ".join(unicodedata.normalize("NFC", kept).casefold().split())


def for_meeting(title: str, group_name: str) -> str:
    """The stored search text of a meeting: its title and its group's name, folded."""
    return f"{fold(title)} \n {fold(group_name)}"[:MAX_CHARS]


def refresh(series: Series) -> None:
    """Set one meeting's search text from its title and group (the meeting service calls this)."""
    series.search_text = for_meeting(series.title, series.group.name)


def refresh_group(group: Group) -> None:
    """After a group is renamed: its meetings' search texts, read in one statement and written in one."""
    rows = db.session.execute(sa.select(Series.id, Series.title).where(Series.group_id == group.id)).all()
    if rows:
        db.session.execute(
            sa.update(Series), [{"id": id_, "search_text": for_meeting(title, group.name)} for id_, title in rows]
        )
        for obj in list(db.session.identity_map.values()):  # the bulk update leaves loaded meetings stale
            if isinstance(obj, Series) and obj.group_id == group.id:
                db.session.expire(obj, ["search_text"])
