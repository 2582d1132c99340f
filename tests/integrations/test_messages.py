"""Every message key an adapter can raise is listed for translation in scheduler/integrations/messages.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scheduler.integrations import messages

ADAPTERS = ("base", "jitsi", "zoom", "zoom_payload", "registry")
ERRORS = {"ProviderError", "ConfigurationError", "RateLimited", "TransientError", "RoomGone"}
NOTES = {"default_key", "MODERATOR_LOGIN_NOTE", "NO_FIXED_TIME_NOTE"}


def adapter_keys() -> set[str]:
    root = Path(messages.__file__).parent
    keys: set[str] = set()
    for name in ADAPTERS:
        for node in ast.walk(ast.parse((root / f"{name}.py").read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ERRORS and node.args:
                keys.add(ast.literal_eval(node.args[0]))
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) in NOTES for t in node.targets):
                keys.add(ast.literal_eval(node.value))
    return keys


def test_every_adapter_message_is_marked_for_translation() -> None:
    keys = adapter_keys()
    assert len(keys) > 20
    assert keys - messages.ALL_MESSAGES == set()


@pytest.mark.parametrize("key", sorted(messages.ALL_MESSAGES))
def test_messages_format_with_their_params(app, key: str) -> None:
    params = {"key": "ZOOM_CLIENT_ID", "provider": "zoom", "choices": "jitsi", "style": "x", "freq": "weekly"}
    params["limit"] = "12"
    assert messages.translate(key, params)


def test_translation_uses_the_current_locale(app) -> None:
    from flask_babel import force_locale

    with force_locale("nl"):
        text = messages.translate(
            "The setting %(key)s is required for the %(provider)s video provider.",
            {
                "key": "ZOOM_CLIENT_ID",
                "provider": "zoom",
            },
        )
    assert "ZOOM_CLIENT_ID" in text and "zoom" in text
