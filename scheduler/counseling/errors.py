"""The error every counseling rule raises; `errors` maps form fields to translated messages."""

from __future__ import annotations


class CounselingError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(str(m) for messages in errors.values() for m in messages))
        self.errors = errors

    @property
    def messages(self) -> list[str]:
        return [str(m) for messages in self.errors.values() for m in messages]
