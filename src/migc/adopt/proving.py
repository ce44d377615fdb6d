"""What `init --from-database` and `squash` share: compiling generated `.mig` files on their own,
building them on a scratch database, and naming the native statements a catalog difference points at."""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from migc.adopt.translate import Translation, translate_sql
from migc.compiled import CompiledMigration, CompiledProject
from migc.errors import MigcError
from migc.project import ProjectConfig
from migc.ir.schema import Schema
from migc.runner.catalog import Catalog, describe_differences, snapshot_session
from migc.runner.report import Output
from migc.runner.urls import DatabaseTarget


@contextmanager
def compiled_files(config: ProjectConfig, files: dict[str, str]) -> Iterator[CompiledProject]:
    """The project made of `files` (name -> .mig text) alone, compiled in a temporary directory
    (the config's settings, no cache, no lint settings)."""
    from migc.compiler import compile_project

    folder = Path(tempfile.mkdtemp(prefix="migc-adopt-"))
    try:
        project_dir = folder / "migrations"
        project_dir.mkdir()
        for name, text in files.items():
            (project_dir / name).write_text(text, encoding="utf-8")
        project_config = dataclasses.replace(config, migrations_dir=project_dir, config_file=None, lint={})
        yield compile_project(project_config, use_cache=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def first_error(project: CompiledProject) -> str:
    """The first error of a project that does not compile, rendered as `migc check` shows it."""
    from migc.diagnostics import render_all

    errors = [d for d in project.diagnostics if d.severity.value == "error"]
    first = errors[0] if errors else project.diagnostics[0]
    return "\n".join(render_all([first], project.contents))


def built_catalog(config: ProjectConfig, server: DatabaseTarget, project: CompiledProject) -> Catalog:
    """The catalog of a scratch database on `server` after `migc up` of every migration of
    `project` (MigcError, naming the migration and statement, if one fails)."""
    from migc.runner.apply import apply_up
    from migc.runner.connect import tracking_table
    from migc.runner.run_commands import read_applied
    from migc.runner.scratch import scratch_database
    from migc.runner.session import connect

    tracking = tracking_table(config)
    with scratch_database(server) as scratch, connect(scratch) as session:
        read_applied(session, tracking, create=True)
        for migration in project.migrations:
            apply_up(session, tracking, migration)
        return snapshot_session(session, tracking=tracking.key)


_COMMON = {"table", "column", "index", "only", "original", "migc", "type", "default", "public", "constraint",
           "not_null", "true", "false", "none", "the", "database", "baseline", "squashed", "definition", "grants",
           "grant", "option", "columns", "constraints", "indexes", "source"}


def suspects(lines: list[str], texts: list[str]) -> list[int]:
    """The positions of the `texts` (native statements) that name something the difference `lines` name."""
    words = {w.lower() for line in lines for w in re.findall(r"[A-Za-z_][A-Za-z0-9_$]*", line) if len(w) > 2}
    words -= _COMMON
    return [n for n, text in enumerate(texts)
            if words & {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_$]*", text)}]


def only_schemas(catalog: Catalog, schemas: tuple[str, ...]) -> Catalog:
    """The part of a catalog that lives in `schemas` (all of it when none are given): entries whose
    key names one of them (`app`, `app.users`, `table column app.users.id`), extensions installed in
    one of them."""
    if not schemas:
        return catalog
    wanted = set(schemas)

    def inside(key: str, value: object) -> bool:
        if isinstance(value, dict) and isinstance(value.get("schema"), str) and "." not in key:
            return value["schema"] in wanted
        return any(word in wanted or word.split(".", 1)[0] in wanted for word in key.split(" "))

    return {section: {k: v for k, v in entries.items() if inside(str(k), v)} for section, entries in catalog.items()}


def refuse_unproven(out: Output, problems: list[str], force: bool, refusal: str, written: str,
                    show: Callable[[str], None] | None = None) -> None:
    """The proof's differences, each on a line (`show`, else a note); then an error (`refusal`:
    what was not done), unless --force, which writes `written` anyway with a warning."""
    if not problems:
        return
    for line in problems:
        (show or out.note)(f"differs: {line}")
    if not force:
        raise MigcError(refusal, f"the differences are listed above; --force writes {written} anyway")
    out.warn("writing anyway (--force)")


def refuse_uncompiled(project: CompiledProject, what: str) -> None:
    if not project.ok:
        raise MigcError(f"{what} does not compile:\n{first_error(project)}",
                        "this is a bug in migc's translation; report it with the statement named above")


@dataclass
class Proven:
    """A generated migration and what its proof found."""

    translation: Translation
    text: str  # the .mig file
    migration: CompiledMigration  # compiled alone
    problems: list[str]  # the catalog differences left (empty: proven)
    fallbacks: list[str]  # the native statements written raw after all, and why


def prove_translation(
    config: ProjectConfig, server: DatabaseTarget, sql: str, file_name: str, source: str,
    render: Callable[[Translation], str], expected: Catalog, *, names: tuple[str, str],
    schemas: tuple[str, ...] = (), failing: str = "",
) -> Proven:
    """`sql` translated against an empty model, rendered into one migration (`render`), compiled
    alone and built on a scratch database of `server` until its catalog equals `expected`: a native
    statement a difference names is written raw instead, and the proof runs again (raw is the SQL as
    given, which builds what it says). `names`: what the two catalogs are called in differences."""
    forced: dict[int, str] = {}
    fallbacks: list[str] = []
    while True:
        translation = translate_sql(sql, Schema(), source, force_raw=forced, raw_reasons=forced)
        text = render(translation)
        with compiled_files(config, {file_name: text}) as project:
            if not project.ok:
                raise MigcError(f"the generated {file_name} does not compile:\n{first_error(project)}",
                                "this is a bug in migc's translation: report it with the statement named above")
            migration = project.migrations[0]
            try:
                built = only_schemas(built_catalog(config, server, project), schemas)
            except MigcError as err:
                raise MigcError(f"the generated {file_name} fails on an empty scratch database: {err.message}",
                                failing or err.hint) from None
        lines = describe_differences(expected, built, *names)
        if not lines:
            return Proven(translation, text, migration, [], fallbacks)
        statements = [i for i in translation.items if i.kind in ("native", "raw")]
        native = [n for n, i in enumerate(statements) if i.kind == "native" and n not in forced]
        # named in the .mig text or in the source's (a rewrite may have left out what differs)
        blamed = [native[k] for k in suspects(lines, [statements[n].text + "\n" + statements[n].piece.sql
                                                      for n in native])]
        if not blamed:
            return Proven(translation, text, migration, lines, fallbacks)
        why = f"its native form changed the catalog ({lines[0][:150]})"
        for n in blamed:
            forced[n] = why
            fallbacks.append(f"{statements[n].where}: raw after all: {why}")
