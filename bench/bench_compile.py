#!/usr/bin/env python3
"""Time the compiler as a user meets it: whole `migc` processes, start-up included.

    python bench/bench_compile.py [--runs 5] [-n 1000] [--seed 1] [--dir MIGRATIONS_DIR]
                                  [--migc "COMMAND"] [--enforce]

Benchmarks (each run `--runs` times; min / median / max wall-clock seconds):

- `migc --version`                    start-up                          target < 0.15 s
- `migc check`, cold                  `.migc/` deleted before each run   target < 1.5 s
- `migc check`, warm                  nothing changed, cache present     target < 0.3 s
- `migc emit` (all migrations), warm                                     target < 0.8 s

The history is generated with bench/gen_history.py into a temporary directory (-n migrations,
--seed) unless --dir is given; a --dir is copied into the temporary directory first, so the
benchmark never deletes the `.migc/` (cache and embedded server) of a real project.

The `migc` command is `--migc` if given, else `migc` found on PATH, else `python -m migc` with this
interpreter. A markdown table goes to stdout, progress to stderr. Exit status 0, or with
--enforce 1 when a target is missed; 2 when a migc run fails (non-zero exit, except that `check`
may warn).
"""

from __future__ import annotations

import argparse
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
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_history  # noqa: E402  (bench/gen_history.py, beside this file)


STATEMENT_START = re.compile(r"^\s*(create|alter|drop|rename|sql)\b", re.IGNORECASE | re.MULTILINE)


@dataclass
class Result:
    name: str
    target: float
    times: list[float]
    failure: str | None = None

    def row(self) -> str:
        if self.failure:
            return f"| {self.name} | {len(self.times)} | – | – | – | < {self.target:g} s | FAILED: {self.failure} |"
        lo, med, hi = min(self.times), statistics.median(self.times), max(self.times)
        verdict = "ok" if med < self.target else "**over target**"
        return (f"| {self.name} | {len(self.times)} | {lo:.3f} | {med:.3f} | {hi:.3f} "
                f"| < {self.target:g} s | {verdict} |")

    @property
    def met(self) -> bool:
        return self.failure is None and statistics.median(self.times) < self.target


def find_migc(explicit: str | None) -> list[str]:
    if explicit:
        return shlex.split(explicit)
    on_path = shutil.which("migc")
    if on_path:
        return [on_path]
    return [sys.executable, "-m", "migc"]


def run_once(cmd: list[str], cwd: Path, ok_codes: tuple[int, ...] = (0,)) -> tuple[float, str | None]:
    """Wall-clock seconds of one process; a failure message if its exit code is not expected."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # compile benchmarks need no database
    env.setdefault("NO_COLOR", "1")
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok_codes:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        return elapsed, f"exit {proc.returncode}: {' / '.join(tail)}"[:300]
    return elapsed, None


def bench(name: str, target: float, cmd: list[str], cwd: Path, runs: int,
          before_each: object = None, ok_codes: tuple[int, ...] = (0,)) -> Result:
    print(f"  {name}: {shlex.join(cmd)}", file=sys.stderr)
    result = Result(name, target, [])
    for _ in range(runs):
        if callable(before_each):
            before_each()
        elapsed, failure = run_once(cmd, cwd, ok_codes)
        if failure:
            result.failure = failure
            print(f"    failed: {failure}", file=sys.stderr)
            break
        result.times.append(elapsed)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per benchmark (default 5)")
    parser.add_argument("-n", type=int, default=1000, help="migrations to generate (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the generated history (default 1)")
    parser.add_argument("--dir", type=Path, help="benchmark a copy of this migrations directory instead")
    parser.add_argument("--migc", help='the migc command, e.g. "migc" or "python -m migc"')
    parser.add_argument("--enforce", action="store_true", help="exit 1 when a median misses its target")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    migc = find_migc(args.migc)
    with tempfile.TemporaryDirectory(prefix="migc-bench-") as tmp:
        work = Path(tmp)
        migrations = work / "migrations"
        if args.dir:
            if not args.dir.is_dir():
                parser.error(f"--dir {args.dir}: not a directory")
            migrations.mkdir()
            for path in sorted(args.dir.iterdir()):
                if path.is_file():
                    shutil.copy2(path, migrations / path.name)
            source = str(args.dir)
        else:
            print(f"generating {args.n} migrations (seed {args.seed}) ...", file=sys.stderr)
            gen_history.generate(migrations, args.n, args.seed)
            source = f"bench/gen_history.py -n {args.n} --seed {args.seed}"
        count = len(list(migrations.glob("*.mig")))
        statements = sum(len(STATEMENT_START.findall(p.read_text(encoding="utf-8")))
                         for p in migrations.glob("*.mig"))
        state_dir = work / ".migc"

        def drop_cache() -> None:
            shutil.rmtree(state_dir, ignore_errors=True)

        d = ["--dir", str(migrations)]
        results: list[Result] = []
        print("running ...", file=sys.stderr)
        results.append(bench("`migc --version` (start-up)", 0.15, [*migc, "--version"], work, args.runs))
        results.append(bench("`migc check`, cold (no `.migc/`)", 1.5, [*migc, "check", *d], work, args.runs,
                             before_each=drop_cache))
        # one untimed run fills the cache, then nothing changes between the timed runs
        run_once([*migc, "check", *d], work)
        results.append(bench("`migc check`, warm", 0.3, [*migc, "check", *d], work, args.runs))
        results.append(bench("`migc emit` (all), warm", 0.8, [*migc, "emit", *d], work, args.runs))

        version = subprocess.run([*migc, "--version"], capture_output=True, text=True).stdout.strip()

    print(f"## migc compile benchmarks\n")
    print(f"- migc: `{shlex.join(migc)}` ({version or 'version unknown'})")
    print(f"- history: {count} migrations, about {statements} statements ({source})")
    print(f"- machine: {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"- {args.runs} runs each, wall-clock seconds of the whole process\n")
    print("| benchmark | runs | min | median | max | target (median) | verdict |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(r.row())
    if any(r.failure for r in results):
        return 2
    if args.enforce and not all(r.met for r in results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
