"""`migc verify` and `migc diff`: migrations checked against real PostgreSQL catalogs."""

from __future__ import annotations

from migc.runner.catalog import (
    Catalog,
    describe_differences,
    ignoring_validation,
    modeled_only,
    relaxed_by_down,
    snapshot,
    snapshot_session,
)
from migc.compiled import CompiledMigration, CompiledProject
from migc.errors import MigcError
from migc.project import ProjectConfig
from migc.runner.apply import Script, apply_down, apply_up, run_statements
from migc.runner.run_commands import RunOptions, read_applied, read_down
from migc.runner.connect import resolve_target, sql_errors, tracking_table
from migc.runner.precheck import compile_checked
from migc.runner.failure import MigrationRef
from migc.runner.report import Output
from migc.runner.scratch import scratch_database, scratch_server
from migc.runner.seed import seed_empty_tables
from migc.runner.session import Session, connect
from migc.runner.tracking import TrackingTable
from migc.runner.urls import DatabaseTarget


def run_verify(
    config: ProjectConfig, out: Output, options: RunOptions, *, compiled: CompiledProject | None = None,
    with_data: bool = False,
) -> int:
    """For each migration on a scratch database: up, down, up again; then the compiled schema.
    `with_data`: the tables get generated rows before each step (runner/seed.py)."""
    project = compiled or compile_checked(config, out)
    target = resolve_target(config, options.database_url, out.note)
    with sql_errors(target.shown, "verifying the migrations on a scratch database"):
        return _verify(config, out, project, target, with_data)


def _verify(config: ProjectConfig, out: Output, project: CompiledProject, target: DatabaseTarget,
            with_data: bool) -> int:
    server = scratch_server(config, target, out.note)
    tracking = tracking_table(config)
    with scratch_database(server) as scratch, connect(scratch) as session:
        read_applied(session, tracking, create=True)
        problems: list[str] = []
        for migration in project.migrations:
            problems = _round_trip(session, tracking, migration, out, with_data)
            if problems:
                break  # later migrations would run on a database that is already off
        final = snapshot_session(session, tracking=tracking.key)
    if not problems:
        try:
            expected = _compiled_schema_catalog(server, project, tracking.key)
        except MigcError as exc:
            if not _has_raw_sql(project):
                raise
            # the model's objects may use what only raw sql made (a function in a check): the compiled
            # schema then cannot be built on its own
            out.warn("the compiled schema cannot be built on an empty database: it uses what raw `sql` "
                     "statements made, which the compiler cannot see; not counted as a failure")
            out.warn(exc.message.splitlines()[-2] if len(exc.message.splitlines()) > 1 else exc.message)
            expected = final
        drift = describe_differences(
            modeled_only(expected), modeled_only(final), "the compiled schema", "the migrated database"
        )
        if drift and _has_raw_sql(project):
            for line in drift:
                out.warn(f"final schema: {line}")
            out.warn("raw `sql` statements change what the compiler cannot see: not counted as a failure")
        else:
            problems = [f"final schema: {line}" for line in drift]
    if problems:
        raise MigcError("verify found problems:\n" + "\n".join(f"  {p}" for p in problems),
                        "fix the migration (or its explicit down section) named above")
    rows = " on tables with generated rows" if with_data else ""
    out.line(f"verified {len(project.migrations)} migration(s){rows}: each reverts exactly, and together they "
             "build the compiled schema")
    return 0


def _round_trip(session: Session, tracking: TrackingTable, migration: CompiledMigration, out: Output,
                with_data: bool = False) -> list[str]:
    """up, down, up again on the scratch database; the problems found, as lines. `with_data`:
    every empty table gets rows before up and before down (the tables up made are empty)."""
    label = migration.file.label

    def seed() -> None:
        if with_data:
            seed_empty_tables(session, tracking.key, lambda text: out.warn(f"{label}: {text}"))

    before = snapshot_session(session, tracking=tracking.key)
    try:
        seed()
        apply_up(session, tracking, migration)
        after_up = snapshot_session(session, tracking=tracking.key)
        if migration.down is None:
            out.line(f"{label}: up ok; irreversible, down not checked")
            return []
        seed()
        if with_data:
            for note in migration.down_notes:
                if note.kind == "data":
                    out.warn(f"{label}: {note.table}.{note.column}: {note.message} (the generated rows fit; "
                             "`migc down` asks for --allow-data-loss)")
        just_applied = read_down(session, tracking, above=migration.version - 1)
        row = next(a for a in just_applied if a.version == migration.version)
        apply_down(session, tracking, row, migration.file.shown_path)
        after_down = snapshot_session(session, tracking=tracking.key)
        # a dropped not null column comes back nullable: expected exactly where the compiler says so
        found = describe_differences(
            ignoring_validation(relaxed_by_down(before, migration.down_notes)), ignoring_validation(after_down),
            "the catalog before up", "the catalog after down",
        )
        if not found:  # up again only where down restored the catalog: else it cannot work
            apply_up(session, tracking, migration)
            again = snapshot_session(session, tracking=tracking.key)
            found = describe_differences(after_up, again, "after up", "after up, down, up")
    except MigcError as exc:
        out.line(f"{label}: FAILED")
        return [exc.message]
    out.line(f"{label}: up, down, up {'ok' if not found else 'DIFFERS'}")
    return [f"{label}: {line}" for line in found]


def _has_raw_sql(project: CompiledProject) -> bool:
    return any(s.description.startswith("sql:") for m in project.migrations for s in m.up)


def run_diff(
    config: ProjectConfig, out: Output, options: RunOptions, *, compiled: CompiledProject | None = None
) -> int:
    """The compiled schema against the live database; exit 1 on any drift."""
    project = compiled or compile_checked(config, out)
    target = resolve_target(config, options.database_url, out.note)
    with sql_errors(target.shown, "comparing the database with the compiled schema"):
        return _diff(config, out, project, target)


def _diff(config: ProjectConfig, out: Output, project: CompiledProject, target: DatabaseTarget) -> int:
    tracking = tracking_table(config)
    key = tracking.key
    with connect(target) as session:
        live = snapshot_session(session, tracking=key)
        applied = {a.version for a in read_applied(session, tracking, create=False)}
    expected = _compiled_schema_catalog(scratch_server(config, target, out.note), project, key)
    # views, functions and triggers made by raw `sql` are not in the compiled schema: not drift
    drift = describe_differences(modeled_only(expected), modeled_only(live), "the compiled schema", "the database")
    pending = [m for m in project.migrations if m.version not in applied]
    if pending:
        out.note(f"{len(pending)} migration(s) not applied yet (`migc status`); their changes show as drift")
    if not drift:
        out.line("no drift: the database matches the compiled schema")
        return 0
    for line in drift:
        out.line(line)
    out.note(f"{len(drift)} difference(s) between the compiled schema and {target.shown}")
    return 1


def _compiled_schema_catalog(server: DatabaseTarget, project: CompiledProject, key: tuple[str, str]) -> Catalog:
    """`schema_sql` run on a scratch database, snapshotted."""
    with scratch_database(server) as scratch:
        with connect(scratch) as session:
            _run_schema(session, project)
        return snapshot(scratch.url, tracking=key)


def _run_schema(session: Session, project: CompiledProject) -> None:
    statements = project.schema_sql
    script = Script(
        MigrationRef("compiled schema", "`migc schema`", 0), "up",
        tuple(s.sql for s in statements), tuple(s.description for s in statements),
        non_transactional=True,  # a scratch database: no need for atomicity, and `concurrently` may appear
    )
    run_statements(session, script)
