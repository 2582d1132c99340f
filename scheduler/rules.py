"""The one error every service raises when a rule is broken.

`errors` maps form fields to translated messages, so a view can show each message next to its field
(`scheduler.web.show_errors`). Services raise it; they never commit or roll back.
"""

from __future__ import annotations

from typing import Any


class RuleError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(str(m) for messages in errors.values() for m in messages))
        self.errors = errors

    @property
    def messages(self) -> list[str]:
        return [str(m) for messages in self.errors.values() for m in messages]


def rule_error(field: str, message: Any) -> RuleError:
    """A broken rule with one message for one field (`message` is usually a lazy gettext string)."""
    return RuleError({field: [str(message)]})
