"""`migc squash --to V`: migrations 1..V replaced by one that builds the same schema.

1. the migrations up to V are compiled on their own; the model after V, as `migc schema` writes
   it (its creators' SQL, in dependency order, comments included), goes through the translator
   (adopt/translate.py) against an empty model, so it becomes `.mig` checked as any migration;
2. raw `sql` statements of the range are what the model cannot see: those that only change data
   (insert, update, delete, copy, truncate, merge) are listed, and kept in order after the schema
   with `--keep-data`; any other raw `sql` (it made something the model does not know) is always
   kept, in order, after the schema, with its `down`;
3. the proof: the originals and the squash, each applied by migc's runner to a scratch database,
   must give the same catalog (the comparison of `verify` / `diff`); and the new history (the
   squash, then the migrations after V) must compile;
4. the originals move to `migrations/squashed/` (the compiler reads only the directory's own
   `.mig` files), the squash is written as `<V>_squashed_<slug>.mig`, its first line naming the
   versions it replaces: `-- migc: squash of versions 1-5` (project.SQUASH_HEADER). The runner
   reads that line: a database that applied all of them counts the squash as applied (`status`
   shows their rows as `squashed`), and one that applied only some is refused by `up`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from migc.adopt.proving import built_catalog, compiled_files, first_error, prove_translation, refuse_unproven
from migc.adopt.translate import Translation, raw_block, readable, render_file, statement_kind
from migc.errors import MigcError
from migc.project import SQUASH_HEADER, MigrationFile, ProjectConfig, list_migrations, shown_path, versions_text
from migc.runner.report import Output

DATA_CHANGES = frozenset({"insert", "update", "delete", "copy", "truncate", "merge"})


@dataclass(frozen=True)
class SquashOptions:
    to: int
    keep_data: bool = False
    dry_run: bool = False
    force: bool = False
    database_url: str | None = None


@dataclass(frozen=True)
class RawStatement:
    """A raw `sql` statement of a squashed migration."""

    file: MigrationFile
    line: int
    sql: str
    down: str | None
    data: list[str]  # its statements that change data (`insert into ...`), as `file:line: first words`
    schema: bool  # it holds something else than data changes

    @property
    def where(self) -> str:
        return f"{self.file.shown_path}:{self.line}"


def run_squash(config: ProjectConfig, out: Output, options: SquashOptions) -> int:
    from migc.runner.connect import resolve_target, sql_errors
    from migc.runner.precheck import compile_checked
    from migc.runner.scratch import scratch_server

    started = time.perf_counter()
    compile_checked(config, out)  # the whole history compiles, or nothing happens
    files, _ = list_migrations(config.migrations_dir)
    chosen = [f for f in files if f.version <= options.to]
    last = next((f for f in files if f.version == options.to), None)
    if last is None:
        raise MigcError(f"--to {options.to}: no migration has version {options.to}",
                        "versions are numbers (5 = 0005); `migc status` lists the migrations")
    if len(chosen) < 2:
        raise MigcError(f"nothing to squash: {last.label} is the first migration",
                        "squash replaces migrations 1..V by one: give a later version with --to")
    rest = [f for f in files if f.version > options.to]
    slug = last.name.removeprefix("squashed_")
    name = f"{last.version_text}_squashed_{slug}.mig"
    squashed_dir = config.migrations_dir / "squashed"
    _check_target(squashed_dir, chosen, options)

    raws = raw_statements(chosen)
    data = [r for r in raws if r.data]
    kept = [r for r in raws if r.schema or (r.data and options.keep_data)]
    covers = set().union(*(f.squashes or {f.version} for f in chosen))
    first_line = f"{SQUASH_HEADER}{versions_text(covers)}\n"
    header = (f"written by `migc squash --to {options.to}`: it replaces {len(chosen)} migration(s), "
              f"{chosen[0].label} ... {last.label}\n"
              "(moved to squashed/); a database that applied all of them counts it as applied")

    def render(translation: Translation) -> str:
        text = first_line + render_file(translation, header, None)
        for raw in kept:
            why = "it changes data, kept by --keep-data" if not raw.schema else "what the model cannot see"
            text += f"\n-- kept from {raw.where} (raw sql: {why})\n{raw_block(raw.sql, raw.down)}\n"
        return readable(text)

    target = resolve_target(config, options.database_url, out.note)
    with sql_errors(target.shown, "proving the squash on a scratch database"):
        server = scratch_server(config, target, out.note)
        with compiled_files(config, {f.path.name: f.content.decode("utf-8") for f in chosen}) as originals:
            if not originals.ok:  # cannot happen after compile_checked, but say so if it does
                raise MigcError(f"the migrations up to {options.to} do not compile alone:\n{first_error(originals)}")
            sql = "".join(s.sql.rstrip().rstrip(";") + ";\n\n" for s in originals.schema_sql)
            expected = built_catalog(config, server, originals)
        proven = prove_translation(
            config, server, sql, name, "migc schema", render, expected, names=("the originals", "the squash"),
            failing="a kept raw statement may need what the schema after the squash no longer has (a data change "
                    "that reads a dropped column): leave it out (no --keep-data) or rewrite it in a new migration")
    for line in proven.fallbacks:
        out.warn(line)
    text = proven.text
    with compiled_files(config, {name: text, **{f.path.name: f.content.decode("utf-8") for f in rest}}) as whole:
        if not whole.ok:
            proven.problems.append("the migrations after the squash do not compile on it:\n" + first_error(whole))
    refuse_unproven(out, proven.problems, options.force, "the squash does not build what the migrations it "
                    "replaces build; nothing was changed", "it")

    elapsed = (time.perf_counter() - started) * 1000
    t = proven.translation
    total = t.native + t.raw
    counts = (f"{total} statement(s), {t.native} native ({t.native / total if total else 1:.0%}), {t.raw} raw sql"
              + (f", {len(kept)} raw block(s) kept" if kept else ""))
    what = f"{len(chosen)} migration(s) ({chosen[0].label} ... {last.label})"
    where = shown_path(config.migrations_dir / name)
    if data:
        out.note("raw sql that changes data in the squashed migrations "
                 + ("(kept, in order, after the schema):" if options.keep_data else
                    "(not kept: the schema cannot re-derive data; --keep-data keeps them):"))
        for raw in data:
            for line in raw.data:
                out.note(f"  {line}")
    if options.dry_run:
        out.line(text.rstrip("\n"))
        out.note(f"dry run: would squash {what} into {where}: {counts}; nothing was changed")
        return 0
    _replace(config.migrations_dir, chosen, squashed_dir, name, text)
    out.line(f"squashed {what} into {where} in {elapsed / 1000:.1f} s: {counts}")
    out.note(f"proven: it builds the catalog the {len(chosen)} originals build; they were moved to "
             f"{shown_path(squashed_dir)}/")
    return 0


def _replace(directory: Path, chosen: list[MigrationFile], squashed_dir: Path, name: str, text: str) -> None:
    """The originals into `squashed_dir`, the squash into the directory: all of it or, when
    anything fails or is interrupted (Ctrl-C) half-way, none of it."""
    temporary = directory / f".{name}.tmp"  # a dot file: the compiler never reads it
    moved: list[tuple[Path, Path]] = []
    try:
        temporary.write_text(text, encoding="utf-8")
        squashed_dir.mkdir(exist_ok=True)
        for f in chosen:
            f.path.rename(squashed_dir / f.path.name)
            moved.append((f.path, squashed_dir / f.path.name))
        temporary.rename(directory / name)
    except BaseException as err:
        for source, target in reversed(moved):
            target.rename(source)
        temporary.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise MigcError(f"cannot move the squashed migrations: {err.strerror or err}; nothing was changed",
                            f"check the permissions of {shown_path(directory)}") from None
        raise


def _check_target(squashed_dir: Path, chosen: list[MigrationFile], options: SquashOptions) -> None:
    if options.dry_run:
        return
    if squashed_dir.exists() and not squashed_dir.is_dir():
        raise MigcError(f"{shown_path(squashed_dir)} is not a directory: the originals go there",
                        "move it away and run again")
    clashes = [f.path.name for f in chosen if (squashed_dir / f.path.name).exists()]
    if clashes:
        raise MigcError(f"{shown_path(squashed_dir)} already has {', '.join(clashes[:3])}"
                        f"{' ...' if len(clashes) > 3 else ''}: squash never overwrites",
                        "move those files away and run again")


def raw_statements(files: list[MigrationFile]) -> list[RawStatement]:
    """The raw `sql` statements of `files`, in order (not those of explicit `down { }` sections)."""
    import migc.kinds  # noqa: F401  (registers every statement kind)
    from migc.kinds.raw_sql import RawSql
    from migc.sqlsplit import statements
    from migc.syntax.parser import parse

    found = []
    for file in files:
        migration, _ = parse(file.content.decode("utf-8"), file.shown_path)
        if migration is None:
            continue
        for statement in migration.statements:
            if not isinstance(statement, RawSql):
                continue
            data, schema = [], False
            for piece in statements(statement.up):
                kind = statement_kind(piece.sql)
                if kind.split(" ")[0] in DATA_CHANGES:
                    first = " ".join(piece.sql.split())[:70]
                    data.append(f"{file.shown_path}:{statement.span.line}: {first}")
                else:
                    schema = True
            found.append(RawStatement(file, statement.span.line, statement.up, statement.down, data, schema))
    return found
