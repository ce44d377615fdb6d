"""The compile cache in `.migc/`: compiled migrations keyed by a hash that chains each file's name
and content with every earlier file's (and migc's own code), so an edit invalidates that file and
everything after it. Schema snapshots every SNAPSHOT_EVERY migrations let a compile resume near an
edit. Deleting `.migc/` is always safe; a cache that cannot be read is ignored.

The files are pickles, which run code when loaded, so each is signed: an HMAC-SHA256 under a key
that lives outside the project, in migc's private cache directory (migc.private_cache:
`$XDG_CACHE_HOME/migc/` or `~/.cache/migc/`, mode 0600; without one, nothing is cached). A `.migc/` that arrives from elsewhere (committed by mistake, unpacked from an archive, written
by another user) does not carry this user's signature and is ignored, never loaded. `.migc/` also
gets a `.gitignore` of `*`, as pytest and ruff do for their caches."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migc import __version__
from migc.project import MigrationFile

if TYPE_CHECKING:
    from migc.codegen.statement import SqlStatement
    from migc.ir.schema import Schema

SNAPSHOT_EVERY = 100
_FILE = "compiled.pickle"  # entries and schema scripts: all a no-change run reads
_SNAPSHOTS = "snapshots.pickle"  # schema snapshots: read only to resume after an edit


@functools.cache
def _code_salt() -> bytes:
    """migc's version plus the size and mtime of its own sources: a changed compiler invalidates."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".j2", ".lark"):
            st = path.stat()
            h.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.digest()


def chain_keys(files: list[MigrationFile], settings: str = "") -> list[str]:
    """`settings`: the project settings that change what the compiler reports."""
    h = hashlib.sha256(_code_salt() + settings.encode())
    keys = []
    for f in files:
        h.update(f.shown_path.encode() + b"\0" + hashlib.sha256(f.content).digest())
        keys.append(h.copy().hexdigest())
    return keys


@dataclass
class CacheData:
    entries: dict[str, Any] = field(default_factory=dict)  # key -> compiler.CompiledEntry
    scripts: dict[str, tuple[SqlStatement, ...]] = field(default_factory=dict)  # last key -> schema script
    state_dir: Path | None = None  # where the snapshots are, read on first use
    dirty: bool = False
    _snapshots: dict[str, Schema] | None = None  # key -> schema after that migration

    @property
    def snapshots(self) -> dict[str, Schema]:
        if self._snapshots is None:
            self._snapshots = {}
            if self.state_dir is not None:
                loaded = _read_signed(self.state_dir / "cache" / _SNAPSHOTS)
                if isinstance(loaded, tuple) and len(loaded) == 2 and isinstance(loaded[1], dict):
                    _load_kinds(loaded[0])
                    self._snapshots = loaded[1]  # else missing, unreadable or not ours: compile from the start
        return self._snapshots

    def resume_point(self, keys: list[str]) -> tuple[int, Schema | None]:
        """Where compiling must start, and the schema before that migration (None when nothing
        needs compiling: then the schema is not needed, nor the IR imported)."""
        prefix = 0
        while prefix < len(keys) and keys[prefix] in self.entries:
            prefix += 1
        if prefix == len(keys):
            return prefix, None  # nothing to compile; the final schema is read only if asked for
        from migc.ir.schema import Schema

        for j in range(prefix - 1, -1, -1):
            if keys[j] in self.snapshots:
                return j + 1, self.snapshots[keys[j]]
        return 0, Schema()

    def remember(self, index: int, entry: Any, schema: Schema, *, last: bool) -> None:
        self.entries[entry.key] = entry
        if last or index % SNAPSHOT_EVERY == SNAPSHOT_EVERY - 1:
            self.snapshots[entry.key] = schema
        self.dirty = True

    def remember_script(self, key: str, script: tuple[SqlStatement, ...]) -> None:
        """The final schema's script, for the history whose last key is `key`."""
        self.scripts[key] = script
        self.dirty = True

    def save(self, state_dir: Path, keys: list[str]) -> None:
        """Keep only what the current files can use, and replace the files atomically."""
        self.dirty = False
        live = set(keys) | {""}
        entries = {k: v for k, v in self.entries.items() if k in live}
        scripts = {k: v for k, v in self.scripts.items() if k in live}
        snapshots = {k: v for k, v in self.snapshots.items() if k in live}
        key = _key()
        if key is None:
            return  # no place for a key: compile without a cache rather than trust an unsigned one
        try:
            cache_dir = state_dir / "cache"
            cache_dir.mkdir(parents=True, exist_ok=True)
            ignore_state_dir(state_dir)
            _write_atomically(cache_dir / _SNAPSHOTS, (_kinds_loaded(), snapshots), key)
            _write_atomically(cache_dir / _FILE, (entries, scripts), key)
        except (OSError, RecursionError, pickle.PicklingError):
            pass  # a read-only checkout (or an absurdly deep expression) compiles, just uncached


def _kinds_loaded() -> tuple[str, ...]:
    """The statement kinds loaded on demand (migc.kinds) when the snapshots were taken: their
    objects may be in them, and their registries must be there before the schemas are used."""
    import migc.kinds

    return migc.kinds.loaded_on_demand()


def _load_kinds(modules: object) -> None:
    import migc.kinds

    if isinstance(modules, tuple):
        for module in modules:
            if module in migc.kinds.ON_DEMAND_RULES:
                migc.kinds.load(module)


def ignore_state_dir(state_dir: Path) -> None:
    """`.migc/.gitignore` of `*`: the whole directory stays out of version control."""
    marker = state_dir / ".gitignore"
    if not marker.exists():
        try:
            marker.write_text("# created by migc: caches and the embedded PostgreSQL, never commit them\n*\n")
        except OSError:
            pass


_MAC_SIZE = 32


@functools.cache
def _key() -> bytes | None:
    """This user's key for signing caches, made on first use, in migc's private cache directory
    (migc.private_cache); None when there is nowhere safe to keep it."""
    from migc.private_cache import private_cache_dir

    where = private_cache_dir()
    if where is None:
        return None
    path = where / "cache-key"
    try:
        data = path.read_bytes()
        if len(data) == 32 and (path.stat().st_mode & 0o077) == 0:
            return data
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mode 0600
        with os.fdopen(fd, "wb") as out:
            out.write(os.urandom(32))
        os.replace(tmp, path)
        data = path.read_bytes()  # whichever key won a race between two first runs
        return data if len(data) == 32 else None
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        return None


def _write_atomically(path: Path, data: object, key: bytes) -> None:
    payload = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        out.write(hmac.new(key, payload, hashlib.sha256).digest())
        out.write(payload)
    os.replace(tmp, path)


def _read_signed(path: Path) -> object | None:
    """The pickled data, if the file carries this user's signature; None otherwise (never unpickled)."""
    key = _key()
    if key is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    mac, payload = data[:_MAC_SIZE], data[_MAC_SIZE:]
    if not hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()):
        return None
    try:
        loaded: object = pickle.loads(payload)
        return loaded
    except Exception:  # signed by us but from another migc version's classes: start afresh
        return None


def load(state_dir: Path) -> CacheData:
    loaded = _read_signed(state_dir / "cache" / _FILE)
    if isinstance(loaded, tuple) and len(loaded) == 2 and isinstance(loaded[0], dict) and isinstance(loaded[1], dict):
        return CacheData(loaded[0], loaded[1], state_dir)
    return CacheData(state_dir=state_dir)  # missing, corrupt, unsigned, or from another migc: start afresh
