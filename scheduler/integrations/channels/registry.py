"""Builds the configured message channels, like the video providers: a channel whose settings are missing is
simply absent (people are not offered it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scheduler.integrations.channels.base import Channel
from scheduler.integrations.channels.sms import SmsChannel
from scheduler.integrations.channels.telegram import TelegramChannel
from scheduler.integrations.channels.whatsapp import WhatsAppChannel

NAMES = ("telegram", "whatsapp", "sms")


def _set(config: Mapping[str, Any], *keys: str) -> bool:
    return all(str(config.get(key) or "").strip() for key in keys)


def build_channels(config: Mapping[str, Any]) -> dict[str, Channel]:
    """The channels whose settings are all present, by name."""
    timeout = float(config.get("CHANNEL_TIMEOUT") or 10)
    found: dict[str, Channel] = {}
    if _set(config, "TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_USERNAME"):
        found["telegram"] = TelegramChannel(
            str(config["TELEGRAM_BOT_TOKEN"]).strip(),
            str(config["TELEGRAM_BOT_USERNAME"]).strip(),
            api_base=config.get("TELEGRAM_API_BASE") or "https://api.telegram.org",
            timeout=timeout,
        )
    if _set(config, "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"):
        found["whatsapp"] = WhatsAppChannel(
            str(config["WHATSAPP_ACCESS_TOKEN"]).strip(),
            str(config["WHATSAPP_PHONE_NUMBER_ID"]).strip(),
            notice_template=config.get("WHATSAPP_TEMPLATE_NOTICE") or "meeting_notice",
            code_template=config.get("WHATSAPP_TEMPLATE_CODE") or "verification_code",
            api_base=config.get("WHATSAPP_API_BASE") or "https://graph.facebook.com/v21.0",
            timeout=timeout,
        )
    if _set(config, "SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM"):
        callback = None
        if config.get("SMS_STATUS_CALLBACKS"):
            callback = str(config.get("PUBLIC_BASE_URL") or "").rstrip("/") + "/channels/sms/status"
        found["sms"] = SmsChannel(
            str(config["SMS_ACCOUNT_SID"]).strip(),
            str(config["SMS_AUTH_TOKEN"]).strip(),
            str(config["SMS_FROM"]).strip(),
            api_base=config.get("SMS_API_BASE") or "https://api.twilio.com",
            status_callback=callback,
            max_segments=int(config.get("SMS_MAX_SEGMENTS") or 4),
            timeout=timeout,
        )
    return found
