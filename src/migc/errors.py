"""The one exception type that carries a user-facing message to the CLI."""

from __future__ import annotations


class MigcError(Exception):
    """Something the user can cause and fix: rendered as `error: message` + hint, exit 1."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Terminated(KeyboardInterrupt):
    """SIGTERM (CI cancel, `docker stop`) or SIGHUP, raised where Ctrl-C would raise
    KeyboardInterrupt, so both take the same path: the open transaction rolls back, the embedded
    server is released, and the CLI says "interrupted"."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
