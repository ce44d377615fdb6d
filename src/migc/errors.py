"""The one exception type that carries a user-facing message to the CLI."""

from __future__ import annotations


class MigcError(Exception):
    """Something the user can cause and fix: rendered as `error: message` + hint, exit 1."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
