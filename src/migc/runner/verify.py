"""`migc verify` and `migc diff`: migrations checked against real PostgreSQL catalogs."""

from __future__ import annotations

from migc.catalog import Catalog, describe_differences, modeled_only, snapshot, snapshot_session
from migc.compiled import CompiledProject
from migc.errors import MigcError
from migc.project import ProjectConfig
from migc.runner.apply import Script, apply_down, apply_up, run_statements
from migc.runner.commands import RunOptions, read_applied
from migc.runner.connect import resolve_target, tracking_table
from migc.runner.diagnostics import compile_checked
from migc.runner.failure import MigrationRef
from migc.runner.report import Output
from migc.runner.scratch import scratch_database, scratch_server
from migc.runner.session import Session, connect
from migc.runner.urls import DatabaseTarget


def run_verify(
    config: ProjectConfig, out: Output, options: RunOptions, *, compiled: CompiledProject | None = None
) -> int:
    """For each migration on a scratch database: up, down, up again; then the compiled schema."""
    project = compiled or compile_checked(config, out)
    server = scratch_server(config, resolve_target(config, options.database_url, out.note), out.note)
    tracking = tracking_table(config)
    key = (tracking.schema, tracking.table)
    problems: list[str] = []
    with scratch_database(server) as scratch, connect(scratch) as session:
        read_applied(session, tracking, create=True)
        for migration in project.migrations:
            label = migration.file.label
            before = snapshot_session(session, tracking=key)
            try:
                apply_up(session, tracking, migration)
                after_up = snapshot_session(session, tracking=key)
                if migration.down is None:
                    out.line(f"{label}: up ok; irreversible, down not checked")
                    continue
                row = next(a for a in read_applied(session, tracking, create=False) if a.version == migration.version)
                apply_down(session, tracking, row, migration.file.shown_path)
                after_down = snapshot_session(session, tracking=key)
                found = describe_differences(before, after_down, "the catalog before up", "the catalog after down")
                if not found:  # up again only where down restored the catalog: else it cannot work
                    apply_up(session, tracking, migration)
                    after_again = snapshot_session(session, tracking=key)
                    found = describe_differences(after_up, after_again, "after up", "after up, down, up")
            except MigcError as exc:
                out.line(f"{label}: FAILED")
                problems.append(exc.message)
                break
            out.line(f"{label}: up, down, up {'ok' if not found else 'DIFFERS'}")
            problems.extend(f"{label}: {line}" for line in found)
            if found:
                break  # later migrations would run on a database that is already off
        final = snapshot_session(session, tracking=key)
    if not problems:
        expected = _compiled_schema_catalog(server, project, key)
        problems.extend(
            f"final schema: {line}"
            for line in describe_differences(
                modeled_only(expected), modeled_only(final), "the compiled schema", "the migrated database"
            )
        )
    if problems:
        raise MigcError("verify found problems:\n" + "\n".join(f"  {p}" for p in problems),
                        "fix the migration (or its explicit down section) named above")
    out.line(f"verified {len(project.migrations)} migration(s): each reverts exactly, and together they build "
             "the compiled schema")
    return 0


def run_diff(
    config: ProjectConfig, out: Output, options: RunOptions, *, compiled: CompiledProject | None = None
) -> int:
    """The compiled schema against the live database; exit 1 on any drift."""
    project = compiled or compile_checked(config, out)
    target = resolve_target(config, options.database_url, out.note)
    tracking = tracking_table(config)
    key = (tracking.schema, tracking.table)
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
