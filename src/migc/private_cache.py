"""A directory of this user's for what migc keeps across processes that belongs to no project:
Lark's parse tables and Jinja2's compiled templates (a project's compile cache is in its `.migc/`,
signed). Both are loaded as code (a pickle, marshalled bytecode) without a signature, so they are
kept only where nobody else can write: a directory this user owns that no one else may write to.
Lark's own default, a file named after the user in the shared temporary directory, could be
planted there first by another local user, and loading it would run their code as ours.

`MIGC_CACHE_DIR` names the directory (`0` or empty: keep nothing); by default it is
`$XDG_CACHE_HOME/migc` (`~/.cache/migc`), or else `migc-cache-<uid>` in the temporary directory.
A directory that cannot be made or is not safe is passed over; with none, nothing is kept and
migc is only slower to start (Lark builds its tables, ~0.5 s).

Entries are named after what they were made from (a grammar, a template's source), so each upgrade
of migc or Lark makes new ones. A file's modification time is its last use (`used`), and whenever
an entry is made, those of its sort unused for STALE_DAYS are removed (`prune`): the directory
holds what the installs in use need, not every version ever run."""

from __future__ import annotations

import functools
import os
import stat
import tempfile
from pathlib import Path

ENV = "MIGC_CACHE_DIR"
STALE_DAYS = 30


@functools.cache
def private_cache_dir() -> Path | None:
    """The directory, made if missing (mode 0700); None when there is no safe one."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return _usable(Path(chosen)) if chosen not in ("", "0") else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    candidates = [Path(xdg) / "migc"] if xdg and os.path.isabs(xdg) else []
    try:
        candidates.append(Path.home() / ".cache" / "migc")
    except RuntimeError:  # no home directory known
        pass
    candidates.append(Path(tempfile.gettempdir()) / f"migc-cache-{os.geteuid()}")
    return next((found for found in map(_usable, candidates) if found is not None), None)


def _usable(path: Path) -> Path | None:
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        return None  # a link, or someone else's, or writable by others: not ours to trust
    if not os.access(path, os.W_OK | os.X_OK):
        return None
    return path


def used(path: Path) -> None:
    """Mark an entry used now (its modification time; access times are not kept everywhere)."""
    try:
        os.utime(path)
    except OSError:
        pass


def prune(directory: Path, pattern: str, now: float | None = None) -> None:
    """Remove the entries matching `pattern` not used for STALE_DAYS (called as a new one is made)."""
    import time

    cutoff = (time.time() if now is None else now) - STALE_DAYS * 86400
    try:
        for entry in directory.glob(pattern):
            if entry.lstat().st_mtime < cutoff:
                entry.unlink()
    except OSError:  # gone meanwhile, or not ours to remove: a cache is never an error
        pass
