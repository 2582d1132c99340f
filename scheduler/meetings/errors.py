"""The error every meetings rule raises; `errors` maps form fields to translated messages."""

from __future__ import annotations


class MeetingError(ValueError):
    """A rule was broken; `errors` maps form fields to translated messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(str(m) for messages in errors.values() for m in messages))
        self.errors = errors
