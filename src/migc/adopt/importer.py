"""`migc import SOURCE_DIR`: another tool's SQL history -> `.mig` files, proven before they are written.

1. read the history (adopt/layouts.py) and translate each migration against the model of the
   ones before it (adopt/translate.py);
2. apply the original SQL, file by file, to a scratch database, with a catalog snapshot after
   each (and, where the source has a down, the down and the up again: does the down restore the
   catalog?);
3. compile the generated `.mig` history and apply it, migration by migration, to a second scratch
   database: after each, its catalog must equal the original's. A migration whose native
   statements make the catalogs differ is translated again with those statements raw (first the
   ones that name what differs, then all of them), and the proof starts over;
4. write the files (refusing to overwrite any), or print them (`--dry-run`); a summary says how
   much became native and why the rest stayed raw."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from migc.adopt.layouts import Section, SourceHistory, SourceMigration, read_history
from migc.adopt.proving import refuse_unproven
from migc.adopt.translate import Translation, render_file, translate_sql
from migc.errors import MigcError
from migc.ir.schema import Schema
from migc.project import ProjectConfig, shown_path
from migc.runner.catalog import Catalog, describe_differences, snapshot_session
from migc.runner.report import Output
from migc.runner.session import Session, SqlFailure, connect
from migc.sqlsplit import SplitError, split_sql


@dataclass(frozen=True)
class ImportOptions:
    source: Path
    layout: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    force: bool = False
    as_json: bool = False
    database_url: str | None = None


@dataclass
class Imported:
    """One migration: where it came from, its translation, its down, its .mig text."""

    source: SourceMigration
    translation: Translation
    down: str | None = None  # the explicit down block's SQL, when one is written
    down_note: str = ""
    text: str = ""
    forced: dict[int, str] = field(default_factory=dict)  # statement index -> why it is raw


@dataclass
class OriginalRun:
    """The original SQL on a scratch database: the catalog after each migration, and whether each
    source down restored the catalog before it."""

    after: list[Catalog]
    down_restores: list[bool | None]


def run_import(config: ProjectConfig, out: Output, options: ImportOptions) -> int:
    started = time.perf_counter()
    history = read_history(options.source, options.layout, options.values)
    target_dir = config.migrations_dir
    _check_target(target_dir, history, options)
    for note in history.notes:
        out.warn(note)
    imported = _translate_all(history, [{} for _ in history.migrations])
    _meta_commands(imported, options, out)

    from migc.runner.connect import resolve_target, sql_errors
    from migc.runner.scratch import scratch_server

    target = resolve_target(config, options.database_url, out.note)
    problems: list[str] = []
    with sql_errors(target.shown, "proving the import on a scratch database"):
        server = scratch_server(config, target, out.note)
        original = _run_original(server, history, out)
        for item in imported:
            _decide_down(item, original.down_restores[history.migrations.index(item.source)])
        problems, fallbacks = _prove(config, server, history, imported, original, out)
    for line in fallbacks:
        out.warn(line)
    refuse_unproven(out, problems, options.force, "the import does not build what the original SQL builds; nothing "
                    "was written", "the files", out.line if options.dry_run else None)
    elapsed = (time.perf_counter() - started) * 1000
    summary = _summary(history, imported, elapsed)
    if options.dry_run and options.as_json:  # the files go inside the JSON, which stays the only output
        for entry, item in zip(summary["files"], imported):  # type: ignore[call-overload]
            entry["text"] = item.text
    elif options.dry_run:
        for item in imported:
            out.line(f"==> {item.source.file_name} <==")
            out.line(item.text)
    else:
        target_dir.mkdir(parents=True, exist_ok=True)
        for item in imported:
            (target_dir / item.source.file_name).write_text(item.text, encoding="utf-8")
    if options.as_json:
        out.line(json.dumps(summary, indent=2))
    else:
        for line in _summary_lines(summary, shown_path(target_dir), options.dry_run):
            out.note(line)
    return 1 if problems else 0


def _check_target(target_dir: Path, history: SourceHistory, options: ImportOptions) -> None:
    if options.dry_run:
        return
    if target_dir.exists() and not target_dir.is_dir():
        raise MigcError(f"the migrations directory is not a directory: {target_dir}", "give another with --dir")
    existing = sorted(p.name for p in target_dir.glob("*.mig")) if target_dir.is_dir() else []
    clashes = [m.file_name for m in history.migrations if (target_dir / m.file_name).exists()]
    if clashes:
        raise MigcError(f"{target_dir} already has {', '.join(clashes[:3])}{' ...' if len(clashes) > 3 else ''}: "
                        "import never overwrites", "import into an empty directory (--dir), or move those files away")
    if existing:
        raise MigcError(f"{target_dir} already holds migrations ({', '.join(existing[:3])}"
                        f"{' ...' if len(existing) > 3 else ''}): an import starts a history",
                        "import into an empty directory (--dir PATH)")


def _translate_all(history: SourceHistory, forced: list[dict[int, str]]) -> list[Imported]:
    schema = Schema()
    imported = []
    for migration, raw in zip(history.migrations, forced):
        up = migration.up
        try:
            translation = translate_sql(up.text, schema, str(up.path), first_line=up.first_line, force_raw=raw,
                                        raw_reasons=raw)
        except SplitError as err:
            raise MigcError(f"{up.where(err.line, err.col)}: {err.message}",
                            "PostgreSQL would refuse this file too; fix the quote or comment") from None
        imported.append(Imported(migration, translation, forced=dict(raw)))
        schema = translation.schema_after
    return imported


def _meta_commands(imported: list[Imported], options: ImportOptions, out: Output) -> None:
    found = [f"{i.where}: {i.text}" for m in imported for i in m.translation.items if i.kind == "meta"]
    if not found:
        return
    shown = "\n".join(f"  {line}" for line in found)
    if not options.force:
        raise MigcError(f"psql meta-commands, which only psql can run:\n{shown}",
                        "inline what they do (an \\i file's SQL) or remove them; --force leaves them out")
    for line in found:
        out.warn(f"left out (--force): {line}")


# ---------------------------------------------------------------- the original SQL


def _executable(text: str) -> list[tuple[int, int, str]]:
    """The statements of a file as the proof runs them: (line, col, sql), transaction control left
    out (the proof wraps each file in a transaction itself)."""
    from migc.adopt.translate import _noise

    found = []
    for piece in split_sql(text):
        if piece.kind != "statement":
            continue
        why = _noise(piece.sql)
        if why is not None and why.startswith("transaction control"):
            continue
        found.append((piece.line, piece.col, piece.raw[piece.sql_start - piece.start:]))
    return found


def _run_section(session: Session, section: Section) -> None:
    for line, col, sql in _executable(section.text):
        try:
            session.run(sql)
        except SqlFailure as failure:
            session.rollback_if_failed()
            raise MigcError(
                f"{section.where(line, col)}: the original SQL fails on a scratch database: {failure.describe()}",
                "import proves its output against the original, which must run on an empty database "
                "(roles and extensions it needs must exist on the server)",
            ) from None


def _in_transaction(migration: SourceMigration, section: Section) -> bool:
    """Whether the tool runs `section` in a transaction: not when told so (goose `NO TRANSACTION`,
    dbmate `transaction:false`), nor a single statement that cannot run in one (`create index
    concurrently` alone in its file, which every tool runs as it is)."""
    from migc.adopt.translate import _CONCURRENTLY

    if not migration.transactional:
        return False
    found = _executable(section.text)
    return not (len(found) == 1 and _CONCURRENTLY.match(found[0][2]))


def _apply_source(session: Session, migration: SourceMigration) -> None:
    """The up SQL as its tool runs it: in one transaction, or statement by statement."""
    transaction = _in_transaction(migration, migration.up)
    if transaction:
        session.run("BEGIN")
    try:
        _run_section(session, migration.up)
        if transaction:
            session.run("COMMIT")
    finally:
        if not session.broken:
            session.run("RESET ALL")


def _down_restores(session: Session, migration: SourceMigration, before: Catalog, after: Catalog) -> bool | None:
    """Whether the source's down leaves the catalog as it was before the up. Tried in a
    transaction that is rolled back, so the history goes on as its tool would run it; a down that
    must run outside a transaction runs, and the up again after it must give the same catalog."""
    down = migration.down
    if down is None or not down.text.strip():
        return None
    if not _in_transaction(migration, down):
        try:
            _run_section(session, down)
        except MigcError:
            raise MigcError(f"{down.path}: the source's down fails on a scratch database, outside a transaction, "
                            "so the proof cannot go on", "fix or remove that down") from None
        restores = snapshot_session(session) == before
        _apply_source(session, migration)
        if snapshot_session(session) != after:
            raise MigcError(f"{down.path}: after the source's down, its up does not build the same catalog again, "
                            "so the proof cannot go on", "fix that down (it should undo the up)")
        return restores
    session.run("BEGIN")
    try:
        _run_section(session, down)
        return snapshot_session(session) == before
    except MigcError:
        return False  # a down that fails: kept as written, for its author to see
    finally:
        if not session.broken:
            session.rollback_if_failed()
            session.run("RESET ALL")


def _run_original(server: object, history: SourceHistory, out: Output) -> OriginalRun:
    from migc.runner.scratch import scratch_database
    from migc.runner.urls import DatabaseTarget

    assert isinstance(server, DatabaseTarget)
    after: list[Catalog] = []
    restores: list[bool | None] = []
    with scratch_database(server) as scratch, connect(scratch) as session:
        before = snapshot_session(session)
        for migration in history.migrations:
            _apply_source(session, migration)
            now = snapshot_session(session)
            restores.append(_down_restores(session, migration, before, now))
            after.append(now)
            before = now
    out.note(f"the original SQL: {len(history.migrations)} migration(s) applied to a scratch database")
    return OriginalRun(after, restores)


def _decide_down(item: Imported, restores: bool | None) -> None:
    """A raw statement keeps the source's down: the whole file's down, as an explicit `down { }`
    (it undoes the native statements too). An all-native file drops a source down that restores
    the catalog exactly (the derived down does the same, and `migc verify` proves it); one that
    does something else, or where the derived down is irreversible, is kept as the explicit down."""
    down = item.source.down
    if down is None or not down.text.strip():
        item.down, item.down_note = None, ""
    elif item.translation.raw == 0:
        if restores and item.translation.reversible:
            item.down, item.down_note = None, "the source's down restores the catalog: the derived down replaces it"
        else:
            item.down = _runnable_down(down.text)
            item.down_note = ("the derived down is irreversible: the source's down kept as written"
                              if restores and not item.translation.reversible
                              else "the source's down does not restore the catalog: kept as written" if restores is False
                              else "the source's down could not be compared: kept as written")
    else:
        item.down, item.down_note = _runnable_down(down.text), "kept as the explicit down (raw statements need it)"
    _render(item)


def _runnable_down(text: str) -> str:
    """A kept down as it can run in migc: in a transaction when it holds several statements, so
    without `concurrently` then (as the up's statements)."""
    from migc.adopt.translate import _CONCURRENTLY
    from migc.sqlsplit import statements

    pieces = statements(text)
    if len(pieces) < 2 or not any(_CONCURRENTLY.match(p.sql) for p in pieces):
        return text
    return "".join(p.raw[:p.sql_start - p.start] + _CONCURRENTLY.sub(r"\1", p.raw[p.sql_start - p.start:], count=1)
                   for p in split_sql(text))


def _render(item: Imported) -> None:
    source = item.source
    header = f"imported by `migc import` from {shown_path(source.up.path)}"
    if source.down is not None and source.down.path != source.up.path:
        header += f"\n(down: {shown_path(source.down.path)})"
    item.text = render_file(item.translation, header, item.down)


# ---------------------------------------------------------------- the proof


def _prove(config: ProjectConfig, server: object, history: SourceHistory, imported: list[Imported],
           original: OriginalRun, out: Output) -> tuple[list[str], list[str]]:
    """Apply the compiled .mig history migration by migration and compare catalogs; on a
    difference, fall back to raw for that migration's native statements and start over. The
    problems left (empty when proven), and the fallbacks made."""
    fallbacks: list[str] = []
    for _ in range(2 * len(imported) + 1):
        failed = _prove_once(config, server, imported, original)
        if failed is None:
            out.note(f"proven: after each of {len(imported)} migration(s) the catalog migc builds equals the "
                     "original SQL's")
            return [], fallbacks
        index, lines = failed
        item = imported[index]
        native = [n for n, i in enumerate(_statements(item.translation)) if i.kind == "native"]
        if not native:
            where = item.source.up.path
            return [f"{where}: {line}" for line in lines], fallbacks
        suspects = _suspects(item, lines, native)
        why = f"its native form changed the catalog ({lines[0][:150]})"
        new = {n: why for n in (suspects if suspects and not set(suspects) <= set(item.forced) else native)}
        item.forced.update(new)
        for n in sorted(new):
            fallbacks.append(f"{_statements(item.translation)[n].where}: raw after all: {why}")
        fresh = _translate_all(history, [i.forced for i in imported])
        for position, new_item in enumerate(fresh):
            _decide_down(new_item, original.down_restores[position])
            imported[position] = new_item
    return ["the proof did not settle"], fallbacks


def _statements(translation: Translation) -> list:  # type: ignore[type-arg]
    """The items that count as statements (the indexes force_raw takes)."""
    return [i for i in translation.items if i.kind in ("native", "raw")]


def _suspects(item: Imported, lines: list[str], native: list[int]) -> list[int]:
    """The native statements that name something a difference line names."""
    words = {w.lower() for line in lines for w in re.findall(r"[A-Za-z_][A-Za-z0-9_$]*", line) if len(w) > 2}
    words -= {"table", "column", "index", "only", "original", "migc", "type", "default", "public", "constraint",
              "not_null", "true", "false", "none", "the"}
    statements = _statements(item.translation)
    return [n for n in native if words & {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_$]*",
                                                                        statements[n].text + "\n" + statements[n].piece.sql)}]


def _prove_once(config: ProjectConfig, server: object, imported: list[Imported],
                original: OriginalRun) -> tuple[int, list[str]] | None:
    from migc.compiler import compile_project
    from migc.runner.apply import apply_up
    from migc.runner.connect import tracking_table
    from migc.runner.run_commands import read_applied
    from migc.runner.scratch import scratch_database
    from migc.runner.urls import DatabaseTarget

    assert isinstance(server, DatabaseTarget)
    folder = Path(tempfile.mkdtemp(prefix="migc-import-"))
    try:
        project_dir = folder / "migrations"
        project_dir.mkdir()
        for item in imported:
            (project_dir / item.source.file_name).write_text(item.text, encoding="utf-8")
        project_config = dataclasses.replace(config, migrations_dir=project_dir, config_file=None, lint={})
        project = compile_project(project_config, use_cache=False)
        if not project.ok:
            from migc.diagnostics import render_all

            errors = [d for d in project.diagnostics if d.severity.value == "error"]
            first = errors[0] if errors else project.diagnostics[0]
            index = next((n for n, i in enumerate(imported) if i.source.file_name in first.file), 0)
            return index, ["the generated .mig does not compile: " + "\n".join(render_all([first], project.contents))]
        tracking = tracking_table(config)
        with scratch_database(server) as scratch, connect(scratch) as session:
            read_applied(session, tracking, create=True)
            for index, (migration, after) in enumerate(zip(project.migrations, original.after)):
                try:
                    apply_up(session, tracking, migration)
                except MigcError as err:
                    return index, [f"the generated migration fails: {err.message}"]
                found = describe_differences(after, snapshot_session(session, tracking=tracking.key),
                                             "the original SQL", "migc")
                if found:
                    return index, found
        return None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- the summary


def _summary(history: SourceHistory, imported: list[Imported], elapsed_ms: float) -> dict[str, object]:
    reasons: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    rewrites: Counter[str] = Counter()
    native = raw = 0
    files = []
    for item in imported:
        t = item.translation
        native += t.native
        raw += t.raw
        for i in t.items:
            if i.kind == "raw":
                reasons[_reason_group(i.reason or "")] += 1
            elif i.kind == "skipped":
                skipped[i.reason or ""] += 1
            for name in i.rewrites:
                rewrites[name] += 1
        files.append({"file": item.source.file_name, "from": str(item.source.up.path), "native": t.native,
                      "raw": t.raw, "down": item.down_note or None,
                      "raw_statements": [{"at": i.where, "reason": i.reason} for i in t.items if i.kind == "raw"]})
    total = native + raw
    downs = Counter(item.down_note for item in imported if item.down_note)
    return {
        "layout": history.layout, "migrations": len(imported), "statements": total, "native": native, "raw": raw,
        "native_share": round(native / total, 4) if total else 1.0,
        "raw_reasons": dict(reasons.most_common()), "skipped": dict(skipped.most_common()),
        "rewrites": dict(rewrites.most_common()), "downs": dict(downs.most_common()), "files": files,
        "elapsed_ms": round(elapsed_ms),
    }


def _reason_group(reason: str) -> str:
    """Raw reasons grouped: the checks' messages name objects, the group keeps their code."""
    m = re.match(r"^(the checks refused it(?: in its migration)?: [EW][0-9]+)", reason)
    if m is not None:
        return m.group(1)
    if reason.startswith("its native form changed the catalog"):
        return "its native form changed the catalog"
    m = re.match(r"^(no \.mig form for [a-z ]+?)(?: \(at (.*)\))?$", reason)
    if m is not None and m.group(2):  # the clause the parser stopped at, without the names around it
        at = m.group(2)
        return f"{m.group(1)} (at {at})" if re.fullmatch(r"'[A-Za-z_ ]+'", at) else m.group(1)
    return reason


def _summary_lines(summary: dict[str, object], where: str, dry_run: bool) -> list[str]:
    share = float(summary["native_share"])  # type: ignore[arg-type]
    lines = [
        f"{'would import' if dry_run else 'imported'} {summary['migrations']} migration(s) ({summary['layout']}) "
        f"{'' if dry_run else 'into ' + where + ' '}in {int(summary['elapsed_ms']) / 1000:.1f} s: "  # type: ignore[call-overload]
        f"{summary['statements']} statement(s), {summary['native']} native ({share:.0%}), {summary['raw']} raw sql",
    ]
    raw = summary["raw_reasons"]
    assert isinstance(raw, dict)
    if raw:
        lines.append("raw, by reason:")
        lines += [f"  {n:4d}  {why}" for why, n in raw.items()]
    skipped = summary["skipped"]
    assert isinstance(skipped, dict)
    if skipped:
        lines.append("skipped:")
        lines += [f"  {n:4d}  {why}" for why, n in skipped.items()]
    rewrites = summary["rewrites"]
    assert isinstance(rewrites, dict)
    if rewrites:
        lines.append("rewritten:")
        lines += [f"  {n:4d}  {why}" for why, n in rewrites.items()]
    downs = summary["downs"]
    assert isinstance(downs, dict)
    if downs:
        lines.append("the source's downs:")
        lines += [f"  {n:4d}  {why}" for why, n in downs.items()]
    return lines
