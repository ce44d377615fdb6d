"""The pipeline over a whole project: list files, parse, lower against the replayed schema, generate
SQL; with a cache of compiled migrations keyed by content (each key chains every earlier file)."""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass, replace

from typing import TYPE_CHECKING, Any

from migc import cache as cache_mod
from migc.codegen.statement import SqlStatement
from migc.compiled import CompiledMigration, CompiledProject, DownNote
from migc.diagnostics import Diagnostic, Severity
from migc.project import MigrationFile, ProjectConfig, duration_ms, list_migrations
from migc.source import BadSource, Span, decode_source

if TYPE_CHECKING:  # the IR is imported only when something must be compiled
    from migc.ir.model import Name
    from migc.ir.op import Op
    from migc.ir.schema import Schema


@dataclass(frozen=True)
class CompiledEntry:
    """What the cache keeps of one migration."""

    key: str
    up: tuple[SqlStatement, ...]
    down: tuple[SqlStatement, ...] | None
    irreversible_at: str | None
    non_transactional: bool
    diagnostics: tuple[Diagnostic, ...]
    down_notes: tuple[DownNote, ...] = ()


def lock_timeout_off(config: ProjectConfig) -> bool:
    return duration_ms(config.lock_timeout) == 0


@dataclass(frozen=True)
class CheckedFile:
    """One file checked against the schema before it, without SQL: what `migc check` reports for it,
    its AST and lowering (None when it did not parse), and the schema after it (None then too).
    The compiler and the language server (migc.editor) both check files through `check_file`."""

    diagnostics: tuple[Diagnostic, ...]
    migration: Any = None  # syntax.ast.Migration
    lowered: Any = None  # lower.LoweredMigration
    schema_after: Schema | None = None


def check_file(content: bytes, shown_path: str, schema: Schema, lock_off: bool) -> CheckedFile:
    import migc.kinds  # noqa: F401  (registers every statement kind)
    from migc import lints
    from migc.lower import lower_migration
    from migc.syntax.parser import parse

    try:
        text = decode_source(content)
    except BadSource as bad:
        diag = Diagnostic("E002", Severity.ERROR, bad.message, shown_path, Span.point(bad.line, bad.col), bad.hint)
        return CheckedFile((diag,))
    migration, syntax = parse(text, shown_path)
    if migration is None:
        return CheckedFile(tuple(syntax))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
    try:
        lowered = lower_migration(migration, schema, shown_path)
        diagnostics = lints.check(lowered, migration, shown_path, text, lock_timeout_off=lock_off)
    except RecursionError:  # beyond even the raised limit: say so instead of crashing
        diag = Diagnostic("E001", Severity.ERROR, "an expression in this file is nested too deeply for migc",
                          shown_path, Span.point(1, 1), "split it, e.g. `a in (...)` instead of a long `or` chain")
        return CheckedFile((diag,))
    finally:
        sys.setrecursionlimit(limit)
    return CheckedFile(tuple(diagnostics), migration, lowered, lowered.schema_after)


def _compile_one(f: MigrationFile, schema: Schema, lock_off: bool) -> tuple[CompiledEntry, Schema | None]:
    """Compile one file against the schema before it; the schema after it, or None when the file
    could not be parsed (later files cannot be checked against a schema we do not know)."""
    checked = check_file(f.content, f.shown_path, schema, lock_off)
    if checked.lowered is None:
        return CompiledEntry("", (), None, None, False, checked.diagnostics), None
    return entry_for(f, checked), checked.schema_after


def entry_for(f: MigrationFile, checked: CheckedFile, key: str = "") -> CompiledEntry:
    """What the cache keeps of a checked file (its SQL rendered now); the file must have parsed."""
    from migc.codegen.postgres import render_ops

    lowered = checked.lowered
    assert lowered is not None
    irreversible = None
    if lowered.irreversible_at is not None:
        span, why = lowered.irreversible_at
        irreversible = f"{f.shown_path}:{span.line}:{span.col}: {why}"
    return CompiledEntry(
        key, render_ops(lowered.ops, lowered.groups),
        render_ops(lowered.down_ops, lowered.down_groups) if lowered.down_ops is not None else None,
        irreversible, lowered.non_transactional, checked.diagnostics,
        () if lowered.explicit_down or lowered.down_ops is None else
        _down_notes(lowered.ops, lowered.before[0] if lowered.before else None),
    )


def _down_notes(ops: tuple[Op, ...], before: Schema | None = None) -> tuple[DownNote, ...]:
    """The ops' down risks, naming tables and columns as they were before the migration (a note is
    compared with the catalog before it: a table renamed, then changed, in one migration). A column
    said to come back nullable that was in a primary key before the migration (a key an earlier op
    dropped) comes back not null: the down restores the key, which cannot hold over empty values."""
    from migc.ir.model import ObjectRef

    origin: dict[ObjectRef, ObjectRef] = {}
    notes: list[DownNote] = []
    for op in ops:
        for risk in op.down_risks():
            table = origin.get(ObjectRef.table(risk.table), ObjectRef.table(risk.table)).name
            column = origin.get(ObjectRef.of_column(risk.table, risk.column),
                                ObjectRef.of_column(table, risk.column)).column or risk.column
            kind, message = risk.kind, risk.message
            key = _primary_key(before, table, column) if kind == "nullable" else None
            if key is not None:
                kind, message = "data", (f"its down cannot restore primary key '{key}' once {table.name}.{column} "
                                         "comes back empty in a table with rows")
            notes.append(DownNote(kind, f"{table.schema}.{table.name}", column, message))
        renamed = op.renames()
        if renamed is not None:
            old, new = renamed
            origin[new] = origin.get(old, old)
            if new.kind == "table":  # its columns follow it
                for ref, first in list(origin.items()):
                    if ref.kind == "column" and ref.name == old.name:
                        origin[ObjectRef.of_column(new.name, ref.column or "")] = first
    return tuple(notes)


def _primary_key(schema: Schema | None, table: Name, column: str) -> str | None:
    """The name of the primary key of `table` in `schema` that holds `column`, if there is one."""
    t = schema.tables.get(table) if schema is not None else None
    if t is None:
        return None
    return next((c.name for c in t.constraints if c.kind == "primary key" and column in c.columns), None)


def compile_project(config: ProjectConfig, *, use_cache: bool = True) -> CompiledProject:
    # Compiling makes about a million small, acyclic objects: cycle collection in the middle only
    # costs time (~15% of a 1000-migration compile). Reference counting still frees them.
    enabled = gc.isenabled()
    gc.disable()
    # expressions are trees walked recursively: a check of a thousand `or` terms is a thousand
    # frames deep, past Python's default limit of 1000
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
    try:
        return _compile_project(config, use_cache)
    finally:
        sys.setrecursionlimit(limit)
        if enabled:
            gc.enable()


_RECURSION_LIMIT = 20_000


def _compile_project(config: ProjectConfig, use_cache: bool) -> CompiledProject:
    files, file_diags = list_migrations(config.migrations_dir)
    lock_off = lock_timeout_off(config)
    keys = cache_mod.chain_keys(files, f"lock_timeout_off={lock_off}")
    store = cache_mod.load(config.state_dir) if use_cache else cache_mod.CacheData()
    start, schema = store.resume_point(keys)
    entries: list[CompiledEntry] = [store.entries[k] for k in keys[:start]]
    broken = False
    for i in range(start, len(files)):
        f = files[i]
        if broken:  # still parse, so every syntax error of the run is reported
            import migc.kinds  # noqa: F401  (registers every statement kind)
            from migc.syntax.parser import parse

            try:
                _, diags = parse(decode_source(f.content), f.shown_path)
            except BadSource:
                diags = []
            entries.append(CompiledEntry(keys[i], (), None, None, False, tuple(diags)))
            continue
        assert schema is not None
        entry, after = _compile_one(f, schema, lock_off)
        entry = replace(entry, key=keys[i])
        entries.append(entry)
        if after is None or any(d.severity is Severity.ERROR for d in entry.diagnostics):
            broken = after is None
            if after is not None:
                schema = after
            continue
        schema = after
        store.remember(i, entry, schema, last=i == len(files) - 1)
    ok_all = not broken and not any(d.severity is Severity.ERROR for e in entries for d in e.diagnostics)
    if use_cache and store.dirty:
        store.save(config.state_dir, keys)

    def build_schema_sql() -> tuple[SqlStatement, ...]:
        if not ok_all:
            return ()
        final = schema if schema is not None else store.snapshots.get(keys[-1]) if keys else None
        if final is None and (keys[-1] if keys else "") not in store.scripts:
            from migc.ir.schema import Schema

            if keys:  # no snapshot to build from (an older cache): compile afresh
                return compile_project(config, use_cache=False).schema_sql
            final = Schema()
        key = keys[-1] if keys else ""
        if key not in store.scripts:
            assert final is not None
            store.remember_script(key, schema_script(final))
        script = store.scripts[key]
        if use_cache and store.dirty:
            store.save(config.state_dir, keys)
        return script

    shown = (configured(d, config.lint) for d in [*file_diags, *(d for e in entries for d in e.diagnostics)])
    diagnostics = sorted((d for d in shown if d is not None), key=lambda d: d.sort_key)
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.file, []).append(d)
    migrations = tuple(
        CompiledMigration(f, e.up, e.down, e.irreversible_at, e.non_transactional,
                          tuple(by_file.get(f.shown_path, ())), e.down_notes)
        for f, e in zip(files, entries)
    )
    return CompiledProject(migrations, tuple(diagnostics), build_schema_sql)


def schema_script(schema: Schema) -> tuple[SqlStatement, ...]:
    """The SQL that builds `schema` from nothing (`migc schema`)."""
    import migc.kinds  # noqa: F401  (registers every statement kind)
    from migc.codegen.postgres import render_ops
    from migc.ir.creation import schema_ops

    return render_ops(schema_ops(schema))


def configured(d: Diagnostic, lint: dict[str, str]) -> Diagnostic | None:
    """The project's `[lint]` table turns warning codes off (None) or into errors."""
    setting = lint.get(d.code)
    if setting is None or d.severity is Severity.ERROR:
        return d
    if setting == "off":
        return None
    if setting == "error":
        return Diagnostic(d.code, Severity.ERROR, d.message, d.file, d.span, d.hint)
    return d
