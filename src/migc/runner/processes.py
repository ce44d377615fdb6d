"""Processes on this machine: is a pid alive, and is it the very process we think it is.

A pid alone proves nothing: pids are reused. A process is named here by its pid and its start
time (on Linux the boot id and the start tick from /proc, elsewhere `ps -o lstart`); two
processes that had the same pid never have the same start. Nothing here sends a signal: callers
signal only a process whose identity they recorded when they started it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LINUX = sys.platform.startswith("linux")


class CannotTell(Exception):
    """This system does not let us find out (no /proc, no `ps`, or no permission)."""


@dataclass(frozen=True)
class ProcessId:
    pid: int
    started: str  # opaque: equal only for the same process

    def to_json(self) -> dict[str, object]:
        return {"pid": self.pid, "started": self.started}

    @classmethod
    def from_json(cls, data: object) -> ProcessId | None:
        if isinstance(data, dict) and isinstance(data.get("pid"), int) and isinstance(data.get("started"), str):
            return cls(data["pid"], data["started"])
        return None


def identify(pid: int) -> ProcessId | None:
    """The live process `pid` (zombies count as dead), None if there is none; CannotTell."""
    if pid <= 0:
        return None
    if LINUX:
        fields = _proc_stat(pid)
        if fields is None or fields[0] in ("Z", "X"):
            return None
        return ProcessId(pid, f"{_boot_id()}:{fields[19]}")
    stat, lstart = _ps(pid, "stat=", "lstart=")
    if stat is None:
        return None
    if stat.startswith("Z"):
        return None
    return ProcessId(pid, lstart or "")


def is_running(process: ProcessId) -> bool:
    """Whether exactly this process (not another one with its pid) is still alive."""
    try:
        return identify(process.pid) == process
    except CannotTell:
        return False


def start_epoch(pid: int) -> int | None:
    """When the live process `pid` started, in whole seconds since the epoch; None if none."""
    if LINUX:
        fields = _proc_stat(pid)
        if fields is None or fields[0] in ("Z", "X"):
            return None
        return _boot_time() + int(fields[19]) // os.sysconf("SC_CLK_TCK")
    stat, lstart = _ps(pid, "stat=", "lstart=")
    if stat is None or stat.startswith("Z") or not lstart:
        return None
    try:
        return int(time.mktime(time.strptime(" ".join(lstart.split()), "%a %b %d %H:%M:%S %Y")))
    except ValueError as exc:
        raise CannotTell(f"cannot read the start time of process {pid}") from exc


def serves_data_dir(pid: int, pgdata: Path, uid: int) -> bool:
    """Whether the live process `pid` is a `postgres` run by `uid` with `pgdata` as its data directory.

    Linux: its real uid, its executable's name and its working directory (a postgres server
    changes into its data directory), compared by device and inode. Elsewhere: `ps`, its uid and
    its `-D` argument. CannotTell when the system does not show these.
    """
    if LINUX:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise CannotTell(str(exc)) from None
        real_uid = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("Uid:")), None)
        if real_uid != uid:
            return False
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
            cwd = os.stat(f"/proc/{pid}/cwd")
            here = os.stat(pgdata)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise CannotTell(str(exc)) from None
        name = os.path.basename(exe.removesuffix(" (deleted)"))
        return name == "postgres" and (cwd.st_dev, cwd.st_ino) == (here.st_dev, here.st_ino)
    owner, args = _ps(pid, "uid=", "args=")
    if owner is None or args is None:
        return False
    words = args.split()
    if int(owner) != uid or not words or os.path.basename(words[0]) != "postgres":
        return False
    try:
        data_dir = words[words.index("-D") + 1]
    except (ValueError, IndexError):
        raise CannotTell(f"cannot see the data directory of process {pid}") from None
    return os.path.realpath(data_dir) == os.path.realpath(pgdata)


def host_tag() -> str:
    """Short, stable for this machine's boot and pid namespace: processes with the same tag can see
    each other's pids."""
    parts = [socket.gethostname()]
    if LINUX:
        parts.append(_boot_id())
        try:
            parts.append(os.readlink("/proc/self/ns/pid"))
        except OSError:
            pass
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:8]


def _proc_stat(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    except OSError as exc:
        raise CannotTell(str(exc)) from None
    return stat[stat.rindex(")") + 2:].split()  # the name in parentheses may hold spaces


@functools.cache
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "?"


@functools.cache
def _boot_time() -> int:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return int(line.split()[1])
    raise CannotTell("no boot time in /proc/stat")


def _ps(pid: int, first: str, rest: str) -> tuple[str | None, str | None]:
    """Two columns of `ps` for one pid (the second may hold spaces); (None, None) if no such process."""
    try:
        done = subprocess.run(["ps", "-o", first, "-o", rest, "-p", str(pid)],
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        raise CannotTell(f"cannot run ps: {exc}") from None
    line = done.stdout.strip()
    if done.returncode != 0 or not line:
        return None, None
    head, _, tail = line.partition(" ")
    return head, tail.strip()
