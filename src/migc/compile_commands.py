"""Plain functions behind the compiler's CLI verbs. They return results; cli.py renders them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from migc.codegen.statement import SqlStatement
from migc.compiled import CompiledMigration, CompiledProject
from migc.compiler import compile_project
from migc.errors import MigcError
from migc.project import MIGRATION_NAME, ProjectConfig, list_migrations


def check(config: ProjectConfig, *, use_cache: bool = True) -> CompiledProject:
    return compile_project(config, use_cache=use_cache)


@dataclass(frozen=True)
class EmitResult:
    project: CompiledProject
    sections: list[tuple[CompiledMigration, tuple[SqlStatement, ...]]]


def select(project: CompiledProject, version: int | None, start: int | None, end: int | None) -> list[CompiledMigration]:
    if start is not None and end is not None and start > end:
        raise MigcError(f"--from {start} is after --to {end}: the range is empty", "give the lower version first")
    chosen = [
        m for m in project.migrations
        if (version is None or m.version == version)
        and (start is None or m.version >= start)
        and (end is None or m.version <= end)
    ]
    if version is not None and not chosen:
        raise MigcError(f"no migration has version {version}", "`migc status` or `ls migrations/` lists them")
    if (start is not None or end is not None) and not chosen and project.migrations:
        shown = " ".join(f"{o} {v}" for o, v in (("--from", start), ("--to", end)) if v is not None)
        raise MigcError(f"{shown}: no migration is in that range",
                        f"the versions go from {project.migrations[0].version} to {project.migrations[-1].version}")
    return chosen


def emit(config: ProjectConfig, version: int | None, start: int | None, end: int | None, down: bool) -> EmitResult:
    project = compile_project(config)
    if not project.ok:
        return EmitResult(project, [])
    chosen = select(project, version, start, end)
    if not down:
        return EmitResult(project, [(m, m.up) for m in chosen])
    sections = []
    for m in reversed(chosen):  # down runs newest first
        if m.down is None:
            raise MigcError(f"migration {m.file.label} is irreversible: {m.irreversible_at}",
                            "add a `down { ... }` block to it to make it reversible")
        sections.append((m, m.down))
    return EmitResult(project, sections)


def next_version_file(config: ProjectConfig, slug: str, timestamp: bool) -> Path:
    if not re.fullmatch(r"[a-z0-9_]+", slug):
        raise MigcError(f"'{slug}' is not a valid migration slug", "use lower-case letters, digits and _, e.g. add_users")
    directory = config.migrations_dir
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MigcError(f"cannot create the migrations directory {directory}: {exc.strerror or exc}",
                        "check the path and its permissions, or point --dir at another directory") from None
    files, _ = list_migrations(directory)
    if timestamp:
        version = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        if files and int(version) <= files[-1].version:
            version = str(files[-1].version + 1)
    else:
        highest = max((f.version for f in files), default=0)
        version = f"{highest + 1:04d}"
    path = directory / f"{version}_{slug}.mig"
    if not MIGRATION_NAME.match(path.name):
        raise MigcError(f"cannot make a migration file named {path.name}")
    try:
        with path.open("x", encoding="utf-8") as out:  # "x": never overwrite a file that appeared meanwhile
            out.write(f"-- {slug.replace('_', ' ')}\n\n")
    except FileExistsError:
        raise MigcError(f"{path} already exists") from None
    except OSError as exc:
        raise MigcError(f"cannot write {path}: {exc.strerror or exc}", "check the directory's permissions") from None
    return path
