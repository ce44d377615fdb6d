"""Locks between migc processes: flock(2) on a file, waited for with a bound and said out loud.

The kernel drops an flock when its process dies, SIGKILL included, so a killed migc never leaves
a lock (or a list of pids) behind. The holder of an exclusive lock writes what it is doing into the
file ("4711 start"), so that a process waiting for it can say whom it waits for.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

from migc.errors import MigcError

POLL_S = 0.05
QUIET_S = 0.5  # waits shorter than this are not worth a line


class LockFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_lock(self, *, exclusive: bool) -> bool:
        """Take (or convert to) the lock without waiting."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(self._fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def lock(
        self,
        *,
        exclusive: bool,
        timeout_s: float,
        waiting: Callable[[str], str],
        note: Callable[[str], None],
    ) -> None:
        """Wait up to `timeout_s` for the lock. After a moment, say once what we wait for
        (`waiting(holder)`, holder being what the holder wrote, or "")."""
        if self._try(exclusive):
            return
        started = time.monotonic()
        said = False
        while True:
            waited = time.monotonic() - started
            if not said and waited >= QUIET_S:
                note(waiting(self.holder()))
                said = True
            if waited >= timeout_s:
                holder = self.holder()
                self.release()
                raise MigcError(
                    f"gave up after {timeout_s:g} s {waiting(holder)}",
                    "if no other migc is running, something else holds " f"{self.path}; "
                    "to wait longer, set MIGC_EMBEDDED_TIMEOUT (seconds)",
                )
            time.sleep(POLL_S)
            if self._try(exclusive):
                return

    def _try(self, exclusive: bool) -> bool:
        try:
            return self.try_lock(exclusive=exclusive)
        except OSError as exc:
            raise MigcError(f"cannot lock {self.path}: {exc.strerror}", "check the directory's permissions") from None

    def say(self, doing: str) -> None:
        """Record what the holder of the exclusive lock is doing."""
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, f"{os.getpid()} {doing}\n".encode(), 0)
        except OSError:
            pass

    def holder(self) -> str:
        try:
            return self.path.read_text().strip()
        except (OSError, UnicodeDecodeError):
            return ""

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor drops the lock
            self._fd = None
