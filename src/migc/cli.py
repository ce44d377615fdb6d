"""The `migc` command line: arguments, rendering and exit codes, nothing else.

Heavy libraries (lark, jinja2, psycopg) are imported inside the commands that need them, so that
`migc --version` and a cached `migc check` start fast."""

from __future__ import annotations

import gc
import os
import signal
import sys
from enum import Enum
from pathlib import Path
from typing import NoReturn, Optional, TextIO

import typer

from migc import __version__
from migc.errors import MigcError, Terminated

app = typer.Typer(
    name="migc",
    help="A compiler for database migrations: .mig files -> checked, typed IR -> PostgreSQL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(str, Enum):
    text = "text"
    json = "json"


DirOption = typer.Option(None, "--dir", help="The migrations directory (default: ./migrations or the config's dir).")


def _config(directory: Optional[Path]):  # type: ignore[no-untyped-def]
    from migc.project import load_config

    return load_config(dir_override=directory)


def _fail(message: str, hint: str | None = None) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    if hint:
        typer.echo(f"  hint: {hint}", err=True)
    raise typer.Exit(1)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"migc {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """migc: write schema changes in .mig files; check, preview and apply them."""


def print_diagnostics(project, *, err: bool) -> None:  # type: ignore[no-untyped-def]
    from migc.diagnostics import render_all

    text = "\n".join(render_all(project.diagnostics, project.contents))
    if text:  # one plain write: no colours to strip, and thousands of echo calls cost more than rendering
        stream = sys.stderr if err else sys.stdout
        stream.write(text + "\n")
        stream.flush()


def _summary(project) -> str:  # type: ignore[no-untyped-def]
    errors = sum(1 for d in project.diagnostics if d.severity.value == "error")
    warnings = len(project.diagnostics) - errors
    count = len(project.migrations)
    if not errors and not warnings:
        return f"ok: {count} migration{'s' if count != 1 else ''} checked, no problems"
    return (f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''} "
            f"in {count} migration{'s' if count != 1 else ''}")


@app.command()
def check(
    strict: bool = typer.Option(False, "--strict", help="Warnings fail the check too."),
    format: Format = typer.Option(Format.text, "--format", help="text, or json for editors and CI."),
    directory: Optional[Path] = DirOption,
    no_cache: bool = typer.Option(False, "--no-cache", help="Compile everything afresh."),
) -> None:
    """Parse and check every migration. Exit 1 on errors (or on warnings with --strict)."""
    from migc.compile_commands import check as run_check
    from migc.diagnostics import render_json

    project = run_check(_config(directory), use_cache=not no_cache)
    if format is Format.json:
        typer.echo(render_json(project.diagnostics))
    else:
        print_diagnostics(project, err=False)
        typer.echo(_summary(project))
    failing = not project.ok or (strict and project.diagnostics)
    raise typer.Exit(1 if failing else 0)


@app.command()
def emit(
    version: Optional[str] = typer.Argument(None, help="Only this migration (5 = 0005)."),
    down: bool = typer.Option(False, "--down", help="Print the derived down SQL instead (newest first)."),
    start: Optional[str] = typer.Option(None, "--from", help="First version of a range."),
    end: Optional[str] = typer.Option(None, "--to", help="Last version of a range."),
    directory: Optional[Path] = DirOption,
) -> None:
    """Print the PostgreSQL SQL of one migration, a range, or all."""
    from migc.compile_commands import emit as run_emit
    from migc.project import parse_version
    from migc.codegen.statement import render_script

    result = run_emit(
        _config(directory),
        parse_version(version, "VERSION"),
        parse_version(start, "--from"),
        parse_version(end, "--to"),
        down,
    )
    if not result.project.ok:
        print_diagnostics(result.project, err=True)
        typer.echo(_summary(result.project), err=True)
        raise typer.Exit(1)
    out = []
    for m, statements in result.sections:
        note = " (runs outside a transaction)" if m.non_transactional else ""
        out.append(f"-- migration {m.file.label} ({'down' if down else 'up'}){note}\n" + render_script(statements))
    sys.stdout.write("\n".join(out))


@app.command()
def schema(directory: Optional[Path] = DirOption) -> None:
    """Print the schema that all migrations build, as a runnable SQL script."""
    from migc.compile_commands import check as run_check
    from migc.codegen.statement import render_script

    project = run_check(_config(directory))
    if not project.ok:
        print_diagnostics(project, err=True)
        typer.echo(_summary(project), err=True)
        raise typer.Exit(1)
    sys.stdout.write(render_script(project.schema_sql))


@app.command()
def new(
    slug: str = typer.Argument(..., help="What the migration does, e.g. add_users ([a-z0-9_]+)."),
    timestamp: bool = typer.Option(False, "--timestamp", help="Version as YYYYMMDDHHMMSS instead of the next number."),
    directory: Optional[Path] = DirOption,
) -> None:
    """Create the next migration file and print its path."""
    from migc.compile_commands import next_version_file
    from migc.project import shown_path

    typer.echo(shown_path(next_version_file(_config(directory), slug, timestamp)))


@app.command()
def fmt(
    files: Optional[list[Path]] = typer.Argument(None, help="The .mig files to format (default: every migration)."),
    check_only: bool = typer.Option(False, "--check", help="Change nothing; exit 1 if a file would change."),
    diff: bool = typer.Option(False, "--diff", help="Print what would change, as a unified diff; change nothing."),
    directory: Optional[Path] = DirOption,
) -> None:
    """Rewrite .mig files in the canonical layout (comments kept; meaning unchanged)."""
    from migc.editor.fmt import format_file, unified_diff
    from migc.project import shown_path

    if not files:
        config = _config(directory)
        if not config.migrations_dir.is_dir():
            _fail(f"migrations directory not found: {config.migrations_dir}",
                  "create it, or point --dir / [tool.migc] dir at it")
        files = sorted(p for p in config.migrations_dir.iterdir() if p.suffix == ".mig" and not p.name.startswith("."))
        typer.echo(f"formatting every migration in {shown_path(config.migrations_dir)} ({len(files)} files)", err=True)
    failed = changed = 0
    for path in files:
        result = format_file(path, shown_path(path))
        if result.error is not None:
            typer.echo(f"error: {result.error}", err=True)
            failed += 1
            continue
        if not result.changed:
            continue
        changed += 1
        if diff:
            sys.stdout.write(unified_diff(result))
        elif check_only:
            typer.echo(f"would reformat {result.shown}")
        else:
            assert result.formatted is not None
            try:
                path.write_bytes(result.formatted.encode("utf-8"))
            except OSError as err:
                typer.echo(f"error: {result.shown}: cannot write: {err.strerror or err}", err=True)
                failed += 1
                continue
            typer.echo(f"formatted {result.shown}")
    verb = "would be reformatted" if check_only or diff else "reformatted"
    typer.echo(f"{changed} file{'s' if changed != 1 else ''} {verb}, {len(files) - changed - failed} unchanged"
               + (f", {failed} not formatted" if failed else ""), err=True)
    raise typer.Exit(1 if failed or (check_only and changed) else 0)


@app.command()
def lsp() -> None:
    """Run the language server over stdio (for editors; needs `pip install 'migc[lsp]'`)."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        _fail("`migc lsp` needs the language-server extra, which is not installed",
              "pip install 'migc[lsp]'  (pygls and lsprotocol)")
    from migc.editor.server import main as serve

    gc.enable()  # main() turned it off for short commands; a server lives long
    serve()


# ---- runner commands: thin wrappers over migc.runner (imported lazily: psycopg is heavy)

DatabaseUrlOption = typer.Option(
    None, "--database-url", help="PostgreSQL URL (default: DATABASE_URL, the config, else the embedded server)."
)
def _lock_timeout(value: float) -> float:
    """A usage error (exit 2, as for a value that is not a number) unless 0 or a positive finite
    number of seconds; fractions of a millisecond are rounded up to 1 ms when the lock is taken."""
    from migc.runner.connect import lock_wait_ms

    try:
        lock_wait_ms(value)
    except MigcError as err:
        raise typer.BadParameter(f"{value!r}: {err.hint}") from None
    return value


LockTimeoutOption = typer.Option(60.0, "--lock-timeout", callback=_lock_timeout,
                                 help="Seconds to wait for another runner's lock (0: do not wait).")
DryRunOption = typer.Option(False, "--dry-run", help="Print the SQL that would run; change nothing.")


@app.command()
def up(
    to: Optional[str] = typer.Option(None, "--to", help="Apply pending migrations up to and including this version."),
    dry_run: bool = DryRunOption,
    database_url: Optional[str] = DatabaseUrlOption,
    directory: Optional[Path] = DirOption,
    lock_timeout: float = LockTimeoutOption,
    allow_modified: bool = typer.Option(False, "--allow-modified",
                                        help="Apply even though applied migrations were modified or are missing."),
    allow_out_of_order: bool = typer.Option(False, "--allow-out-of-order",
                                            help="Apply pending migrations below the highest applied version too."),
) -> None:
    """Apply pending migrations in order, each in its own transaction."""
    from migc.project import parse_version
    from migc.runner.run_commands import RunOptions, run_up
    from migc.runner.report import Output

    options = RunOptions(database_url, lock_timeout, dry_run)
    code = run_up(_config(directory), Output(), options, to=parse_version(to, "--to"), allow_modified=allow_modified,
                  allow_out_of_order=allow_out_of_order)
    raise typer.Exit(code)


@app.command()
def down(
    steps: Optional[int] = typer.Option(None, "--steps", help="Revert the latest N applied migrations (default 1)."),
    to: Optional[str] = typer.Option(None, "--to", help="Revert every applied migration above this version (0: all)."),
    dry_run: bool = DryRunOption,
    database_url: Optional[str] = DatabaseUrlOption,
    directory: Optional[Path] = DirOption,
    lock_timeout: float = LockTimeoutOption,
    allow_data_loss: bool = typer.Option(False, "--allow-data-loss",
                                         help="Revert even where a derived down can change or refuse data."),
) -> None:
    """Revert applied migrations, latest first, with the down SQL stored when they were applied."""
    from migc.project import parse_version
    from migc.runner.run_commands import RunOptions, run_down
    from migc.runner.report import Output

    options = RunOptions(database_url, lock_timeout, dry_run)
    raise typer.Exit(run_down(_config(directory), Output(), options, steps=steps, to=parse_version(to, "--to"),
                              allow_data_loss=allow_data_loss))


@app.command()
def status(
    format: Format = typer.Option(Format.text, "--format", help="text, or json for machines."),
    database_url: Optional[str] = DatabaseUrlOption,
    directory: Optional[Path] = DirOption,
) -> None:
    """List every migration: applied / pending / modified / missing. Exit 1 on modified or missing."""
    from migc.runner.run_commands import RunOptions, run_status
    from migc.runner.report import Output

    raise typer.Exit(run_status(_config(directory), Output(), RunOptions(database_url), fmt=format.value))


@app.command()
def verify(
    database_url: Optional[str] = DatabaseUrlOption,
    directory: Optional[Path] = DirOption,
    with_data: bool = typer.Option(False, "--with-data", help="Seed every table with generated rows before each "
                                                             "step, so the round trips run on tables with rows."),
) -> None:
    """On a scratch database: up, down, up for each migration; then compare with the compiled schema."""
    from migc.runner.run_commands import RunOptions
    from migc.runner.report import Output
    from migc.runner.verify import run_verify

    raise typer.Exit(run_verify(_config(directory), Output(), RunOptions(database_url), with_data=with_data))


@app.command()
def diff(database_url: Optional[str] = DatabaseUrlOption, directory: Optional[Path] = DirOption) -> None:
    """Compare the compiled schema with the live database. Exit 1 on drift."""
    from migc.runner.run_commands import RunOptions
    from migc.runner.report import Output
    from migc.runner.verify import run_diff

    raise typer.Exit(run_diff(_config(directory), Output(), RunOptions(database_url)))


class Layout(str, Enum):
    flyway = "flyway"
    golang_migrate = "golang-migrate"
    dbmate = "dbmate"
    goose = "goose"
    prisma = "prisma"
    sqitch = "sqitch"
    plain = "plain"


@app.command(name="import")
def import_(
    source: Path = typer.Argument(..., help="The directory of the SQL migrations to import."),
    layout: Optional[Layout] = typer.Option(None, "--layout", help="Force a layout instead of detecting it."),
    set_: list[str] = typer.Option([], "--set", help="NAME=VALUE for a template placeholder ({{ .NAME }}, ${NAME})."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the .mig files instead of writing them."),
    force: bool = typer.Option(False, "--force", help="Write even if the proof finds differences."),
    json_: bool = typer.Option(False, "--json", help="The summary as JSON on stdout."),
    database_url: Optional[str] = DatabaseUrlOption,
    directory: Optional[Path] = DirOption,
) -> None:
    """Convert another tool's SQL migrations into .mig files, proven on a scratch database first."""
    from migc.adopt.importer import ImportOptions, run_import
    from migc.runner.report import Output

    values: dict[str, str] = {}
    for item in set_:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"{item!r}: expected NAME=VALUE", param_hint="--set")
        values[name.strip()] = value
    options = ImportOptions(source, layout.value if layout else None, values, dry_run, force, json_, database_url)
    raise typer.Exit(run_import(_config(directory), Output(), options))


@app.command()
def init(
    url: Optional[str] = typer.Argument(None, metavar="[URL]",
                                        help="With --from-database: the database (default: --database-url, "
                                             "DATABASE_URL, the config, else the embedded server)."),
    from_database: bool = typer.Option(False, "--from-database",
                                       help="Write a baseline migration of a live database's schema."),
    schema_: list[str] = typer.Option([], "--schema", help="Only this schema (repeatable)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the baseline; write and record nothing."),
    force: bool = typer.Option(False, "--force", help="Write even if the proof finds differences."),
    database_url: Optional[str] = DatabaseUrlOption,
    directory: Optional[Path] = DirOption,
) -> None:
    """Start a project from a live database: `migc init --from-database [URL]` writes a proven baseline."""
    from migc.adopt.baseline import BaselineOptions, run_init_from_database
    from migc.runner.report import Output

    if not from_database:
        _fail("`migc init` needs --from-database: it starts a project from a live database",
              "migc init --from-database postgresql://user@host/db  (to start from nothing: migc new SLUG)")
    if url is not None and database_url is not None and url != database_url:
        _fail("give the database once: as URL or as --database-url")
    options = BaselineOptions(url or database_url, tuple(schema_), dry_run, force,
                              "the URL argument" if url is not None else "--database-url")
    raise typer.Exit(run_init_from_database(_config(directory), Output(), options))


@app.command()
def squash(
    to: str = typer.Option(..., "--to", help="Replace the migrations up to and including this version."),
    keep_data: bool = typer.Option(False, "--keep-data",
                                   help="Keep the raw sql statements that change data, in order, after the schema."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the squashed migration; change nothing."),
    force: bool = typer.Option(False, "--force", help="Write even if the proof finds differences."),
    database_url: Optional[str] = DatabaseUrlOption,
    directory: Optional[Path] = DirOption,
) -> None:
    """Replace migrations 1..V by one that builds the same schema, proven on scratch databases."""
    from migc.adopt.squash import SquashOptions, run_squash
    from migc.project import parse_version
    from migc.runner.report import Output

    version = parse_version(to, "--to")
    assert version is not None
    options = SquashOptions(version, keep_data, dry_run, force, database_url)
    raise typer.Exit(run_squash(_config(directory), Output(), options))


def main() -> None:
    """Console entry point: user errors become messages, never tracebacks (unless --debug)."""
    # A command is a short process that makes millions of small acyclic objects (and imports a few
    # hundred classes): the cycle collector only costs time there (~3% of a cold check), reference
    # counting still frees them. The language server, which lives long, turns it back on.
    gc.disable()
    debug = "--debug" in sys.argv or os.environ.get("MIGC_DEBUG") == "1"
    if "--debug" in sys.argv:
        sys.argv.remove("--debug")
    _terminate_like_ctrl_c()
    stdout = _PipeSafeStdout(sys.stdout)
    sys.stdout = stdout
    try:
        _run(debug)
    finally:
        # What the command made stays in memory until the process ends; without this, the collection
        # Python runs while it shuts down walks all of it (~0.15 s after a 1000-migration check).
        gc.freeze()
        if stdout.broken:
            typer.echo("note: stdout was closed before migc finished (broken pipe): the command ran to the end, "
                       "the rest of its output was dropped", err=True)


def _run(debug: bool) -> NoReturn:
    try:
        # without standalone mode, a command's typer.Exit(code) comes back as the return value;
        # typer turns a KeyboardInterrupt into the return value 130: _interrupted_by says by what
        code = app(standalone_mode=False) or 0
    except MigcError as err:
        if debug:
            raise
        try:
            _fail(err.message, err.hint)
        except typer.Exit as exit_:
            sys.exit(exit_.exit_code)
    except typer.Exit as exit_:
        sys.exit(exit_.exit_code)
    except KeyboardInterrupt as interrupt:
        _interrupted_by.append(interrupt.signum if isinstance(interrupt, Terminated) else int(signal.SIGINT))
    except Exception as err:  # a click usage error, or a bug in migc
        _report_unexpected(err, debug)
    else:
        if not _interrupted_by:
            sys.exit(code)
    signum = _interrupted_by[0]
    how = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
    typer.echo(f"interrupted ({how}){_INTERRUPTED_RUN.get(_command(), '')}", err=True)
    sys.exit(128 + signum)


_INTERRUPTED_RUN = {
    "up": ": a migration interrupted half-way was rolled back (one that runs outside a transaction keeps the "
          "statements it finished); those reported as applied stay applied; `migc status` shows where things are",
    "down": ": a revert interrupted half-way was rolled back (that migration stays applied); those reported as "
            "reverted stay reverted; `migc status` shows where things are",
    "squash": ": nothing was moved or written (a squash interrupted while moving the files is undone)",
    "init": ": a baseline whose recording was interrupted is removed again; nothing else changed",
}


def _command() -> str:
    return next((arg for arg in sys.argv[1:] if not arg.startswith("-")), "")


_interrupted_by: list[int] = []  # the signal that interrupted the command


def _terminate_like_ctrl_c() -> None:
    """SIGTERM and SIGHUP raise where Ctrl-C would: the same rollback, release and message.
    A signal the parent set to be ignored (nohup, a background job) stays ignored."""
    stoppers = [number for number in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
                if number is not None and signal.getsignal(number) == signal.SIG_DFL]

    def ctrl_c(signum: int, frame: object) -> None:
        _interrupted_by.append(signum)
        raise KeyboardInterrupt

    def terminate(signum: int, frame: object) -> None:
        for number in stoppers:
            signal.signal(number, signal.SIG_IGN)  # once is enough: the way out has begun
        _interrupted_by.append(signum)
        raise Terminated(signum)

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, ctrl_c)
    for number in stoppers:
        signal.signal(number, terminate)


class _PipeSafeStdout:
    """stdout that outlives its reader (`migc up | head -1`): the command goes on to the end, what
    it would still print is dropped, and main() says so on stderr."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.broken = False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._drop_the_rest()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop_the_rest()

    def _drop_the_rest(self) -> None:
        self.broken = True
        try:  # what is still buffered, and the interpreter's last flush, go nowhere instead of failing
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _report_unexpected(err: Exception, debug: bool) -> NoReturn:
    # click's usage errors (typer may vendor click, so recognise them by shape, not by class)
    show, exit_code = getattr(err, "show", None), getattr(err, "exit_code", None)
    if callable(show) and isinstance(exit_code, int):
        show()
        sys.exit(exit_code)
    if type(err).__name__ == "Abort":
        typer.echo("aborted", err=True)
        sys.exit(1)
    if debug:
        raise err
    typer.echo(f"error: internal error in migc: {type(err).__name__}: {err}", err=True)
    typer.echo("  hint: this is a bug; run again with --debug for the traceback and report it", err=True)
    sys.exit(2)
