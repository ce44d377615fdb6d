"""`migc up`, `down` and `status`: plain functions returning the exit code; cli.py only parses."""

from __future__ import annotations

import functools
import time
from pathlib import Path
from collections.abc import Callable
from dataclasses import dataclass, replace

from migc.codegen.statement import comment, render_script
from migc.compiled import CompiledMigration, CompiledProject
from migc.errors import MigcError
from migc.project import MigrationFile, ProjectConfig, list_migrations
from migc.runner.apply import Progress, Step, down_step, run_steps, up_step
from migc.runner.connect import explain, explained, migration_session, resolve_target, tracking_table
from migc.runner.precheck import compile_checked, print_diagnostics
from migc.runner.report import Output, Steps, format_ms
from migc.runner.session import Session, SqlFailure
from migc.runner.status import MigrationStatus, State, classify, partial_squashes, tampered
from migc.runner.tracking import NOTES_COLUMN, AppliedMigration, TrackingShape, TrackingTable


@dataclass(frozen=True)
class RunOptions:
    database_url: str | None = None  # --database-url
    lock_timeout_s: float = 60.0  # --lock-timeout: how long to wait for another runner
    dry_run: bool = False


def read_applied(session: Session, tracking: TrackingTable, *, create: bool) -> list[AppliedMigration]:
    """The tracking table's rows, oldest first, without their down SQL (see `read_down`); the
    table is created on first use unless `create` is false."""
    return open_tracking(session, tracking, create=create)[1]


def open_tracking(
    session: Session, tracking: TrackingTable, *, create: bool, warn: Callable[[str], None] | None = None
) -> tuple[TrackingTable, list[AppliedMigration]]:
    """The tracking table as this database has it, and its rows (as read_applied). With `create`
    (a run that writes, under the migration lock) the table is created on first use, and one made
    by an older migc gets the down_notes column; if the role may not add it, the run goes on
    without storing notes (`warn` says so)."""
    shape = inspect_tracking(session, tracking)
    if not shape.exists:
        if create:
            doing = f"creating the tracking table {tracking.qualified}"
            session.wrote = True
            with explained(session, doing, tracking):
                session.run(tracking.create_sql(shape.schema_exists))
        return tracking, []
    if NOTES_COLUMN not in shape.columns:
        tracking = replace(tracking, notes=False)
        if create:
            try:
                session.run(tracking.add_notes_sql())
                session.wrote = True
                tracking = replace(tracking, notes=True)
            except SqlFailure as failure:
                session.rollback_if_failed()
                if failure.sqlstate not in ("42501", "55P03", "25006") or warn is None:
                    raise explain(session, failure, f"adding the column {NOTES_COLUMN} to {tracking.qualified}",
                                  tracking) from None
                warn(f"cannot add the column {NOTES_COLUMN} to the tracking table {tracking.qualified} "
                     f"({failure.message}): the down notes of the migrations applied now are not stored, so "
                     "`migc down` cannot warn of their data loss; run `migc up` as the table's owner once")
    with explained(session, f"reading the tracking table {tracking.qualified}", tracking):
        return tracking, [AppliedMigration.from_row(row) for row in session.rows(tracking.select_sql())]


def read_down(
    session: Session, tracking: TrackingTable, *, above: int | None = None, latest: int | None = None
) -> list[AppliedMigration]:
    """With their down SQL and notes, newest first: the rows above version `above`, else the
    `latest` ones (all when neither is given). Nothing if there is no tracking table."""
    shape = inspect_tracking(session, tracking)
    if not shape.exists:
        return []
    tracking = replace(tracking, notes=NOTES_COLUMN in shape.columns)
    query = tracking.select_down_sql(above=above, latest=latest)
    with explained(session, f"reading the tracking table {tracking.qualified}", tracking):
        return [AppliedMigration.from_row(row) for row in session.rows(query)]


def inspect_tracking(session: Session, tracking: TrackingTable) -> TrackingShape:
    """What is there under the tracking table's name; a MigcError when it is not a tracking table."""
    with explained(session, f"looking for the tracking table {tracking.qualified}", tracking):
        shape = tracking.shape(session)
    why = tracking.foreign(shape)
    if why is not None:
        raise MigcError(
            f"{why}: it is not a migc tracking table (database {session.target.shown})",
            "point tracking_schema / tracking_table in the config at another name, or rename that table "
            "(migc creates its own on first use)",
        )
    return shape


def run_up(
    config: ProjectConfig,
    out: Output,
    options: RunOptions,
    *,
    to: int | None = None,
    allow_modified: bool = False,
    allow_out_of_order: bool = False,
    compiled: CompiledProject | None = None,
) -> int:
    """Apply pending migrations in version order; `compiled` skips compiling (tests, verify)."""
    project = compiled or compile_checked(config, out)
    if to is not None and to != 0 and all(m.version != to for m in project.migrations):
        raise MigcError(f"--to {to}: no migration has version {to}", _LISTED)
    target = resolve_target(config, options.database_url, out.note)
    tracking = tracking_table(config)
    lock = None if options.dry_run else options.lock_timeout_s
    with migration_session(config, target, lock_timeout_s=lock) as session:
        tracking, applied = open_tracking(session, tracking, create=not options.dry_run, warn=out.warn)
        _refuse_partial_squash([m.file for m in project.migrations], applied)
        _refuse_tampered(classify([m.file for m in project.migrations], applied), out, allow_modified)
        done = {a.version for a in applied}
        pending = [m for m in project.migrations if m.version not in done and (to is None or m.version <= to)]
        _refuse_out_of_order(pending, applied, out, allow_out_of_order)
        if options.dry_run:
            _print_up_dry_run(out, pending, tracking)
            return 0
        if not pending:
            out.line(f"nothing to apply: {len(done)} migration(s) applied, none pending")
            return 0
        started = time.perf_counter()
        with out.steps(len(pending), "applying") as steps:
            run_steps(session, [up_step(tracking, m) for m in pending], _Progress(steps))
    out.line(f"applied {len(pending)} migration(s) in {format_ms((time.perf_counter() - started) * 1000)}")
    return 0


class _Progress(Progress):
    """run_steps' progress, shown by report.Steps."""

    def __init__(self, steps: Steps, before: Callable[[Step], None] | None = None) -> None:
        self._steps = steps
        self._before = before

    def start(self, step: Step) -> None:
        if self._before is not None:
            self._before(step)
        self._steps.start(step.label, step.script.non_transactional)

    def done(self, step: Step, elapsed_ms: float) -> None:
        self._steps.done(step.label, elapsed_ms)

    def flush(self) -> None:
        self._steps.flush()


def _refuse_partial_squash(files: list[MigrationFile], applied: list[AppliedMigration]) -> None:
    found = partial_squashes(files, applied)
    if not found:
        return
    lines = []
    for file, lacking in found:
        shown = ", ".join(f"{v:0{len(file.version_text)}d}" for v in lacking[:20]) + (" ..." if len(lacking) > 20 else "")
        lines.append(f"  {file.label} replaces versions this database has not all applied: it lacks {shown}")
    file = found[0][0]
    raise MigcError(
        "the database applied only some of the migrations a squash replaces, so it can take neither the squash "
        "nor the rest of them:\n" + "\n".join(lines),
        f"apply the missing originals from where `migc squash` moved them: migc up --dir "
        f"{(Path(file.shown_path).parent / 'squashed').as_posix()} --to {file.version} (with the same database), "
        "then run `migc up` again",
    )


def _refuse_tampered(statuses: list[MigrationStatus], out: Output, allow_modified: bool) -> None:
    bad = tampered(statuses)
    if not bad:
        return
    listing = "\n".join(f"  {s.label}: {s.state.value}" for s in bad)
    if not allow_modified:
        raise MigcError(
            f"applied migrations were changed since they were applied:\n{listing}",
            "restore the files (see `migc status`), or pass --allow-modified to apply pending migrations anyway",
        )
    out.warn(f"--allow-modified: ignoring {len(bad)} modified or missing applied migration(s):\n{listing}")
    out.warn("the database may no longer match what the migration files describe")


def out_of_order(versions: list[int], applied: list[AppliedMigration]) -> tuple[list[int], AppliedMigration | None]:
    """The versions (of pending migrations) below the highest applied one, and that one."""
    highest = max(applied, key=lambda a: a.version, default=None)
    if highest is None:
        return [], None
    return [v for v in versions if v < highest.version], highest


def _refuse_out_of_order(
    pending: list[CompiledMigration], applied: list[AppliedMigration], out: Output, allow: bool
) -> None:
    """Flyway's rule: a pending migration below the highest applied version was written (or merged)
    after later ones were applied; applying it now gives a schema that no ordered history gives."""
    below, highest = out_of_order([m.version for m in pending], applied)
    if not below or highest is None:
        return
    listing = "\n".join(f"  {m.file.label} ({m.file.shown_path})" for m in pending if m.version in below)
    if allow:
        out.warn(f"--allow-out-of-order: {len(below)} pending migration(s) below the highest applied version "
                 f"{highest.label}:\n{listing}")
        return
    raise MigcError(
        f"pending migration(s) below the highest applied version {highest.label}, out of order:\n{listing}",
        f"give them versions above {highest.version_text} (rename the files; `migc new` picks the next version), "
        "or pass --allow-out-of-order to apply them anyway",
    )


def _print_up_dry_run(out: Output, pending: list[CompiledMigration], tracking: TrackingTable) -> None:
    if not pending:
        out.line("-- nothing to apply")
    for migration in pending:
        file = migration.file
        out.line(f"-- {file.label} ({file.shown_path})")
        if migration.non_transactional:
            out.line("-- runs outside a transaction (concurrently), statement by statement")
            out.line(render_script(migration.up).rstrip("\n"))
        else:
            out.line("BEGIN;")
            out.line(render_script(migration.up).rstrip("\n"))
            out.line(f"-- and a row in {tracking.qualified}")
            out.line("COMMIT;")
        out.line()
    out.note(f"dry run: {len(pending)} migration(s) would be applied; nothing was changed")


def run_down(
    config: ProjectConfig, out: Output, options: RunOptions, *, steps: int | None = None, to: int | None = None,
    allow_data_loss: bool = False,
) -> int:
    if steps is not None and to is not None:
        raise MigcError("give either --steps or --to, not both")
    if steps is not None and steps < 1:
        raise MigcError("--steps must be at least 1")
    target = resolve_target(config, options.database_url, out.note)
    tracking = tracking_table(config)
    lock = None if options.dry_run else options.lock_timeout_s
    with migration_session(config, target, lock_timeout_s=lock) as session:
        # only the rows it reverts, with their down SQL (and the row of version `to`, to know it exists)
        if to == 0:  # everything, a version 0 (`00_init.mig`) too
            chosen = read_down(session, tracking)
        elif to is not None:
            chosen = read_down(session, tracking, above=to - 1)
            if chosen and chosen[-1].version == to:
                chosen.pop()  # it stays applied
            elif to not in _shown_paths(config):
                raise MigcError(f"--to {to}: no migration has version {to} (none is applied, no file has it)",
                                _LISTED)
        else:
            chosen = read_down(session, tracking, latest=steps or 1)
        if not chosen:
            out.line("nothing to revert")
            return 0
        irreversible = [a for a in chosen if a.down_statements is None]
        if irreversible:
            listing = "\n".join(f"  {a.label}: {a.irreversible_at or 'irreversible'}" for a in irreversible)
            raise MigcError(
                f"cannot revert: irreversible migration(s), nothing was reverted:\n{listing}",
                "give the migration an explicit `down { ... }` section, or write a new migration that undoes it",
            )
        if options.dry_run:
            _print_down_dry_run(out, chosen, tracking, allow_data_loss)
            return 0
        _refuse_data_loss(chosen, out, allow_data_loss)
        # the files' shown paths, for error messages only: read the directory only if one is needed
        paths = functools.cache(lambda: _shown_paths(config))

        def shown(version: int) -> str | None:
            return paths().get(version)

        reverts = [down_step(tracking, row, functools.partial(shown, row.version)) for row in chosen]
        started = time.perf_counter()
        with out.steps(len(chosen), "reverting") as progress:
            run_steps(session, reverts, _Progress(progress))
    out.line(f"reverted {len(chosen)} migration(s) in {format_ms((time.perf_counter() - started) * 1000)}")
    return 0


_LISTED = "versions are numbers (5 = 0005); `migc status` lists the migrations and their versions"


def _shown_paths(config: ProjectConfig) -> dict[int, str]:
    try:
        files, _ = list_migrations(config.migrations_dir)
    except MigcError:
        return {}  # down needs no files: it runs the SQL stored when they were applied
    return {f.version: f.shown_path for f in files}


def _data_loss(chosen: list[AppliedMigration]) -> list[str]:
    return [f"  {row.label}: {note.table}.{note.column}: {note.message}"
            for row in chosen for note in row.down_notes if note.kind == "data"]


def _refuse_data_loss(chosen: list[AppliedMigration], out: Output, allow: bool) -> None:
    """A derived down that can change or refuse values written since its up (W003 when compiled;
    the notes are stored with the tracking row) runs only with --allow-data-loss."""
    found = _data_loss(chosen)
    if not found:
        return
    listing = "\n".join(found)
    if allow:
        out.warn(f"--allow-data-loss: reverting anyway:\n{listing}")
        return
    raise MigcError(
        f"refusing to revert: the down of these migrations can change or refuse data written since they were "
        f"applied; nothing was reverted:\n{listing}",
        "check those columns' values (`migc down --dry-run` shows the SQL), then pass --allow-data-loss to revert "
        "anyway; or write a new migration that goes forward instead",
    )


def _print_down_dry_run(out: Output, chosen: list[AppliedMigration], tracking: TrackingTable,
                        allow_data_loss: bool) -> None:
    for row in chosen:
        out.line(f"-- {row.label} (down SQL stored when it was applied)")
        for note in row.down_notes:
            what = "may change or refuse data" if note.kind == "data" else "note"
            out.line(f"-- {what}: {note.table}.{note.column}: {comment(note.message)}")
        if not row.non_transactional:
            out.line("BEGIN;")
        out.line((row.down_sql or "").rstrip("\n"))
        out.line(f"-- and its row deleted from {tracking.qualified}")
        if not row.non_transactional:
            out.line("COMMIT;")
        out.line()
    out.note(f"dry run: {len(chosen)} migration(s) would be reverted; nothing was changed")
    if _data_loss(chosen) and not allow_data_loss:
        out.note("without --allow-data-loss, `migc down` refuses: the downs above can change or refuse data")


def run_status(config: ProjectConfig, out: Output, options: RunOptions, *, fmt: str = "text") -> int:
    if fmt not in ("text", "json"):
        raise MigcError(f"unknown format '{fmt}'", "use --format text or --format json")
    files, diags = list_migrations(config.migrations_dir)
    print_diagnostics(out, diags)
    target = resolve_target(config, options.database_url, out.note)
    with migration_session(config, target, lock_timeout_s=None) as session:
        applied = read_applied(session, tracking_table(config), create=False)
    statuses = classify(files, applied)
    below, highest = out_of_order([s.version for s in statuses if s.state is State.PENDING], applied)
    if fmt == "json":
        import json

        out.line(json.dumps([{**s.to_json(), "out_of_order": s.version in below} for s in statuses], indent=2))
    else:
        _print_status_table(out, statuses)
    if below and highest is not None:
        labels = ", ".join(s.label for s in statuses if s.version in below and s.state is State.PENDING)
        out.note(f"pending below the highest applied version {highest.label} (out of order): {labels}; "
                 "`migc up` refuses them without --allow-out-of-order")
    bad = tampered(statuses)
    if bad:
        out.note(
            f"{len(bad)} applied migration(s) modified or missing: `migc up` refuses to run until the files "
            "are restored (or --allow-modified)"
        )
    partial = partial_squashes(files, applied)
    for file, lacking in partial:
        out.note(f"{file.label} replaces migrations this database applied only some of (it lacks "
                 f"{', '.join(str(v) for v in lacking[:20])}{' ...' if len(lacking) > 20 else ''}): `migc up` refuses "
                 "until they are applied")
    return 1 if bad or partial else 0


def _print_status_table(out: Output, statuses: list[MigrationStatus]) -> None:
    if not statuses:
        out.note("no migrations")
        return
    width_v = max(len(s.version_text) for s in statuses)
    width_n = max(len(s.name) for s in statuses)
    for s in statuses:
        when = s.applied_at.strftime("%Y-%m-%d %H:%M:%S %z") if s.applied_at else ""
        out.line(f"{s.version_text:<{width_v}}  {s.name:<{width_n}}  {s.state.value:<8}  {when}".rstrip())
    counts = {state: sum(1 for s in statuses if s.state is state) for state in State}
    out.note(", ".join(f"{n} {state.value}" for state, n in counts.items() if n))
