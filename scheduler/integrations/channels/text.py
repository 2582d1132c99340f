"""Length rules of short messages. Pure.

SMS: a message in the GSM 03.38 alphabet (GSM-7) takes 160 characters in one segment, 153 per segment when
split; anything else (Bengali, emoji) is sent as UCS-2: 70 in one segment, 67 per segment when split (UTF-16
code units). Telegram takes 4096 characters per message, a WhatsApp template parameter about 1024.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")  # two septets each


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def _units(text: str) -> tuple[int, bool]:
    if is_gsm7(text):
        return sum(2 if ch in GSM7_EXTENDED else 1 for ch in text), True
    return len(text.encode("utf-16-le")) // 2, False


def sms_segments(text: str) -> int:
    """How many SMS segments the text takes."""
    units, gsm = _units(text)
    single, multi = (160, 153) if gsm else (70, 67)
    if units <= single:
        return 1
    return -(-units // multi)


def _joins(ch: str) -> bool:
    """Belongs to the character before it (a vowel sign, an accent, a joiner, a skin tone or variation selector)."""
    return bool(unicodedata.combining(ch)) or unicodedata.category(ch) in {"Mn", "Mc", "Me", "Sk", "Cf"}


def _cut(text: str, fits: Callable[[str], bool]) -> str:
    """The longest start of the text that fits, cut between words (a link is kept whole or left out); a single word
    longer than the whole message is cut between characters, never inside a combining sequence (a Bengali
    consonant and its vowel sign, an emoji and its joiners)."""
    kept = ""
    for word in re.split(r"(\s+)", text):
        if not fits(kept + word):
            break
        kept += word
    if kept.strip():
        return kept.rstrip()
    end = len(text)
    while end and not fits(text[:end]):
        end -= 1
    while 0 < end < len(text) and (_joins(text[end]) or _joins(text[end - 1])):
        end -= 1
    return text[:end].rstrip()


def fit_lines(text: str, fits: Callable[[str], bool], sep: str = "\n") -> str:
    """The text (its lines joined by `sep`) made to fit: the first and last lines (the headline, the helpline) stay
    longest; the lines before the last go first, from the end (the composer puts the least needed there); what is
    still too long is cut between words."""
    lines = text.split("\n") if sep == "\n" else [line.strip() for line in text.splitlines() if line.strip()]
    joined = sep.join(lines)
    if fits(joined):
        return joined
    while len(lines) > 1 and not fits(sep.join(lines)):
        lines.pop(-2 if len(lines) > 2 else -1)  # keep the last line (the helpline) as long as we can
    joined = sep.join(lines)
    return joined if fits(joined) else _cut(joined, fits)


def fit_sms(text: str, max_segments: int) -> str:
    """The text cut so it fits in `max_segments` segments."""
    return fit_lines(text, lambda candidate: sms_segments(candidate) <= max_segments)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int, sep: str = "\n") -> str:
    """At most `limit` UTF-16 code units (how Telegram and Meta count), whole lines first, then whole words."""
    return fit_lines(text, lambda candidate: utf16_length(candidate) <= limit, sep)
