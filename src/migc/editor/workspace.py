"""The project as the editor sees it: every migration's text (the editor's unsaved text over the
file on disk), checked through the compiler's own `check_file` (so the diagnostics, codes and spans
are `migc check`'s), with the schema after each file kept in memory.

Opening a project reads the compile cache (`.migc/`): a file whose key (its content chained with
every earlier file's) is cached gets its diagnostics from there, and its schema from the nearest
snapshot on first need. An edit in file N re-checks from N onwards, and stops early once a file's
resulting schema is what it was before the edit (later files then give what they gave)."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from migc import cache as cache_mod
from migc.compiler import CheckedFile, check_file, configured, lock_timeout_off
from migc.diagnostics import Diagnostic, Severity
from migc.project import MigrationFile, ProjectConfig, list_migrations
from migc.source import BadSource, decode_source

if TYPE_CHECKING:
    from migc.ir.schema import Schema


@dataclass
class FileState:
    file: MigrationFile
    key: str = ""
    diagnostics: tuple[Diagnostic, ...] = ()  # as the compiler reports them, before [lint] settings
    checked: CheckedFile | None = None  # None: known only from the cache (or not yet checked)
    after: Schema | None = None  # the schema after this file, when known
    parses: bool = True
    broken: bool = False  # an earlier file did not parse: only this file's syntax is checked


@dataclass
class Workspace:
    config: ProjectConfig
    files: list[FileState] = field(default_factory=list)
    file_diagnostics: list[Diagnostic] = field(default_factory=list)  # bad names, duplicate versions
    overlay: dict[Path, str] = field(default_factory=dict)  # unsaved editor text by resolved path
    _store: cache_mod.CacheData | None = None
    version: int = 0  # bumps on every change (for caches built on the workspace)

    # ------------------------------------------------------------------ opening

    @staticmethod
    def open(config: ProjectConfig, overlay: dict[Path, str] | None = None) -> Workspace:
        ws = Workspace(config, overlay=dict(overlay or {}))
        ws._store = cache_mod.load(config.state_dir)
        ws.reload()
        return ws

    @functools.cached_property
    def _dir(self) -> Path:
        return self.config.migrations_dir.resolve()

    @property
    def lock_off(self) -> bool:
        return lock_timeout_off(self.config)

    def _settings(self) -> str:
        return f"lock_timeout_off={self.lock_off}"

    def _content(self, f: MigrationFile) -> MigrationFile:
        text = self.overlay.get(self._dir / f.path.name)
        return f if text is None else replace(f, content=text.encode("utf-8"))

    def reload(self) -> list[int]:
        """Re-list the directory (a file added, removed or renamed) and re-check what changed.
        Returns the indexes of the files whose diagnostics changed."""
        try:
            listed, self.file_diagnostics = list_migrations(self.config.migrations_dir)
        except Exception:  # the directory vanished: an empty project
            listed, self.file_diagnostics = [], []
        files = [self._content(f) for f in listed]
        old = {s.file.path.name: s for s in self.files}
        keys = cache_mod.chain_keys(files, self._settings())
        states: list[FileState] = []
        for f, key in zip(files, keys):
            previous = old.get(f.path.name)
            if previous is not None and previous.key == key:
                states.append(previous)
            else:
                states.append(FileState(f, key))
        before = {s.file.path.name: s.diagnostics for s in self.files}
        self.files = states
        self._check_from(0)
        self.version += 1
        return [i for i, s in enumerate(self.files) if before.get(s.file.path.name) != s.diagnostics]

    # ------------------------------------------------------------------ edits

    def index_of(self, path: Path) -> int | None:
        if path.resolve().parent != self._dir:
            return None
        for i, s in enumerate(self.files):
            if s.file.path.name == path.name:
                return i
        return None

    def set_text(self, path: Path, text: str | None) -> list[int]:
        """The editor's text of a file (None: the file on disk again). Returns the indexes of the
        files whose diagnostics changed."""
        resolved = path.resolve()
        if text is None:
            self.overlay.pop(resolved, None)
        else:
            self.overlay[resolved] = text
        i = self.index_of(path)
        if i is None:
            return self.reload() if path.suffix == ".mig" and resolved.parent == self._dir else []
        state = self.files[i]
        if text is None:
            try:
                content = state.file.path.read_bytes()
            except OSError:
                return self.reload()
        else:
            content = text.encode("utf-8")
        if content == state.file.content:
            return []
        self.files[i] = FileState(replace(state.file, content=content), state.key, state.diagnostics)
        self.version += 1
        return self._check_from(i)

    # ------------------------------------------------------------------ checking

    def _rekey(self) -> None:
        keys = cache_mod.chain_keys([s.file for s in self.files], self._settings())
        for s, key in zip(self.files, keys):
            if s.key != key:
                s.key = key

    def _check_from(self, start: int) -> list[int]:
        """Re-check files from `start` on (those whose key changed). Returns changed indexes."""
        with paused_gc():
            return self._check_from_paused(start)

    def _check_from_paused(self, start: int) -> list[int]:
        store = self._store or cache_mod.CacheData()
        old_keys = [s.key for s in self.files]
        old_states = list(self.files)
        old_diagnostics = [s.diagnostics for s in self.files]
        old_after = [s.after for s in self.files]
        self._rekey()
        changed: list[int] = []
        broken = any(s.broken or not s.parses for s in self.files[:start])
        i = start
        stable = False
        while i < len(self.files):
            s = self.files[i]
            if stable and not broken:
                i += 1
                continue
            old_diags = old_diagnostics[i]
            previous_after = old_after[i]
            fresh = s.checked is not None and s.key == old_keys[i] and not s.broken and not broken
            if fresh:  # unchanged, and so is everything before it
                broken = broken or not s.parses
                i += 1
                continue
            if broken:
                self._parse_only(s)
            else:
                entry = store.entries.get(s.key)
                if entry is not None and i != start:
                    self.files[i] = FileState(s.file, s.key, entry.diagnostics, None, store.snapshots.get(s.key))
                else:
                    self._check(i)
                s = self.files[i]
                if not s.parses:
                    broken = True
                if (previous_after is not None and s.after is not None and previous_after == s.after
                        and i > start):
                    stable = True  # later files see the schema they saw: their results stand
            if old_diags != self.files[i].diagnostics:
                changed.append(i)
            i += 1
        return changed

    def _parse_only(self, s: FileState) -> None:
        import migc.kinds  # noqa: F401
        from migc.syntax.parser import parse

        try:
            migration, diags = parse(decode_source(s.file.content), s.file.shown_path)
        except BadSource:
            migration, diags = None, []
        s.checked = CheckedFile(tuple(diags), migration)
        s.diagnostics = tuple(diags)
        s.after = None
        s.parses = migration is not None
        s.broken = True

    def _check(self, i: int) -> FileState:
        s = self.files[i]
        before = self.schema_before(i)
        if before is None:  # an earlier file does not parse
            self._parse_only(s)
            return s
        checked = check_file(s.file.content, s.file.shown_path, before, self.lock_off)
        s.checked = checked
        s.diagnostics = checked.diagnostics
        s.after = checked.schema_after
        s.parses = checked.lowered is not None
        s.broken = False
        return s

    def schema_before(self, i: int) -> Schema | None:
        """The schema just before file i (None when an earlier file does not parse)."""
        from migc.ir.schema import Schema

        if i == 0:
            return Schema()
        # walk back to the nearest known schema, then replay forward
        j = i - 1
        while j >= 0:
            s = self.files[j]
            if s.broken or not s.parses:
                return None
            if s.after is None and self._store is not None:
                s.after = self._store.snapshots.get(s.key)
            if s.after is not None:
                break
            j -= 1
        if j + 1 >= i:
            return self.files[i - 1].after
        with paused_gc():
            for k in range(j + 1, i):
                state = self._check(k)
                if not state.parses:
                    return None
        return self.files[i - 1].after if i - 1 >= 0 else Schema()

    def checked(self, i: int) -> CheckedFile:
        """File i's check with its AST and lowering (checked now if it came from the cache)."""
        s = self.files[i]
        if s.checked is None:
            diags = s.diagnostics
            self._check(i)
            s.diagnostics = diags if s.parses else s.diagnostics
        assert s.checked is not None
        return s.checked

    def ensure_all(self) -> None:
        """Every file checked (for what needs the whole history: references)."""
        with paused_gc():
            for i in range(len(self.files)):
                self.checked(i)

    def save_cache(self) -> int:
        """Write what this session checked into the compile cache, as `migc check` would have (the
        entries of the files that check without errors, up to the first that does not; snapshots
        every 100 files), so the next open, or `migc check`, is warm. Returns the entries added."""
        from migc.compiler import entry_for

        store = self._store
        if store is None:
            return 0
        added = 0
        with paused_gc():
            for i, s in enumerate(self.files):
                if s.key in store.entries:
                    continue
                if s.checked is None or s.checked.lowered is None or s.after is None or s.broken:
                    break
                if any(d.severity is Severity.ERROR for d in s.diagnostics):
                    break
                store.remember(i, entry_for(s.file, s.checked, s.key), s.after, last=i == len(self.files) - 1)
                added += 1
            if store.dirty:
                store.save(self.config.state_dir, [s.key for s in self.files])
        return added

    # ------------------------------------------------------------------ answers

    def diagnostics(self, i: int) -> list[Diagnostic]:
        """File i's diagnostics as `migc check` shows them (with the project's [lint] settings)."""
        shown = self.files[i].file.shown_path
        out = [d for d in self.file_diagnostics if d.file == shown]
        for d in self.files[i].diagnostics:
            c = configured(d, self.config.lint)
            if c is not None:
                out.append(c)
        return sorted(out, key=lambda d: d.sort_key)

    def orphan_diagnostics(self) -> dict[str, list[Diagnostic]]:
        """Diagnostics of directory entries that are no migration (a bad file name), by shown path."""
        listed = {s.file.shown_path for s in self.files}
        out: dict[str, list[Diagnostic]] = {}
        for d in self.file_diagnostics:
            if d.file not in listed:
                out.setdefault(d.file, []).append(d)
        return out

    def text(self, i: int) -> str:
        try:
            return decode_source(self.files[i].file.content)
        except BadSource:
            return self.files[i].file.content.decode("utf-8", errors="replace")

    def errors(self) -> int:
        return sum(1 for i in range(len(self.files)) for d in self.diagnostics(i) if d.severity is Severity.ERROR)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """As the compiler does: checking makes many small acyclic objects, cycle collection only costs."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
