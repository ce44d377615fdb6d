"""The compile cache in `.migc/`: compiled migrations keyed by a hash that chains each file's name
and content with every earlier file's (and migc's own code), so an edit invalidates that file and
everything after it. Schema snapshots every SNAPSHOT_EVERY migrations let a compile resume near an
edit. Deleting `.migc/` is always safe; a cache that cannot be read is ignored."""

from __future__ import annotations

import functools
import hashlib
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
                try:
                    with open(self.state_dir / "cache" / _SNAPSHOTS, "rb") as f:
                        self._snapshots = pickle.load(f)
                except Exception:
                    pass  # missing or unreadable: compile from the start
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
        try:
            cache_dir = state_dir / "cache"
            cache_dir.mkdir(parents=True, exist_ok=True)
            _write_atomically(cache_dir / _SNAPSHOTS, snapshots)
            _write_atomically(cache_dir / _FILE, (entries, scripts))
        except (OSError, RecursionError):
            pass  # a read-only checkout (or an absurdly deep expression) compiles, just uncached


def _write_atomically(path: Path, data: object) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        pickle.dump(data, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def load(state_dir: Path) -> CacheData:
    try:
        with open(state_dir / "cache" / _FILE, "rb") as f:
            entries, scripts = pickle.load(f)
        return CacheData(entries, scripts, state_dir)
    except Exception:  # missing, corrupt, or from another migc: start afresh
        return CacheData(state_dir=state_dir)
