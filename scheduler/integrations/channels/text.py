"""Length rules of short messages. Pure.

SMS: a message in the GSM 03.38 alphabet (GSM-7) takes 160 characters in one segment, 153 per segment when
split; anything else (Bengali, emoji) is sent as UCS-2: 70 in one segment, 67 per segment when split (UTF-16
code units). Telegram takes 4096 characters per message, a WhatsApp template parameter about 1024.
"""

from __future__ import annotations

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


def fit_sms(text: str, max_segments: int) -> str:
    """The text cut so it fits in `max_segments` segments: the first and last lines (the headline, the helpline) stay
    longest; the lines before the last go first, from the end (the composer puts the least needed there)."""
    if sms_segments(text) <= max_segments:
        return text
    lines = text.split("\n")
    while len(lines) > 1 and sms_segments("\n".join(lines)) > max_segments:
        lines.pop(-2 if len(lines) > 2 else -1)  # keep the last line (the helpline) as long as we can
    text = "\n".join(lines)
    while text and sms_segments(text) > max_segments:
        text = text[:-1]
    return text


def fit(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a line end when possible."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: cut.rfind("\n")] if "\n" in cut else cut
