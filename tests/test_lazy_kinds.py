"""Statement kinds loaded on first use (migc.kinds) give the answers of a process that has them all.

The test process has every kind loaded (conftest.py), so loading on demand is tested in processes
of its own: a driver imports only what `migc check` imports, builds the parser, and then compiles
each golden case in a child forked from that state, so that every case starts where a fresh
`migc check` starts, and loads what the case needs as it parses it. Each case's full result
(diagnostics with their wording, SQL up and down, down notes, the final schema's script) must be
the same as this process's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from golden_harness import cases, full_dump

import migc.kinds
from migc.compiler import compile_project
from migc.project import ProjectConfig

TESTS = Path(__file__).resolve().parent

_DRIVER = textwrap.dedent("""
    import json, os, sys
    sys.path.insert(0, {tests!r})
    import migc.cli, migc.compiler, migc.kinds, migc.lints, migc.cache, migc.codegen.postgres
    from migc.syntax.parser import _parser
    from golden_harness import cases, full_dump

    before = migc.kinds.loaded_on_demand()
    _parser()
    results = {{"loaded at start": list(before), "loaded by the parser": list(migc.kinds.loaded_on_demand())}}
    for case in cases():
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                out = {{"dump": full_dump(case), "loaded": list(migc.kinds.loaded_on_demand())}}
            except BaseException as exc:
                out = {{"dump": "crashed: " + repr(exc), "loaded": []}}
            with os.fdopen(w, "w") as pipe:
                json.dump(out, pipe)
            os._exit(0)
        os.close(w)
        with os.fdopen(r) as pipe:
            results[case.name] = json.load(pipe)
        os.waitpid(pid, 0)
    print(json.dumps(results))
""")


@pytest.fixture(scope="module")
def lazy_results() -> dict[str, object]:
    driver = _DRIVER.format(tests=str(TESTS))
    done = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    results: dict[str, object] = json.loads(done.stdout)
    return results


def test_a_check_starts_with_the_core_kinds_only(lazy_results: dict[str, object]) -> None:
    """Importing what `migc check` imports, and building the parser, loads no kind on demand: lints
    included (they look their classes up, lints.op_class)."""
    assert lazy_results["loaded at start"] == []
    assert lazy_results["loaded by the parser"] == []


CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_golden_case_compiles_the_same_with_kinds_loaded_on_demand(
        case: Path, lazy_results: dict[str, dict[str, object]]) -> None:
    lazy = lazy_results[case.name]
    assert lazy["dump"] == full_dump(case)


def test_the_golden_cases_use_kinds_loaded_on_demand_and_cases_without_them_load_none(
        lazy_results: dict[str, dict[str, object]]) -> None:
    """The test above means something: some cases load views, functions... and the many that use
    only tables, columns and indexes load nothing more."""
    loaded = {name: set(r["loaded"]) for name, r in lazy_results.items() if name in {c.name for c in CASES}}  # type: ignore[call-overload]
    assert set().union(*loaded.values()) == set(migc.kinds.ON_DEMAND_RULES)
    assert sum(1 for modules in loaded.values() if not modules) > len(loaded) // 3


def _check_in_a_fresh_process(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migc", "check"], cwd=project, capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_schema_read_back_from_the_cache_loads_the_kinds_of_its_objects(tmp_path: Path) -> None:
    """A compile that resumes from a cached snapshot holding a view, in a process whose files so far
    never named a view: the view's rename follower and dependency check must be there. The last
    file renames a column the view reads (the view follows) and then drops the table under the
    view (an error naming the view)."""
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_users.mig").write_text("create table users (id bigint primary key, email text not null)\n")
    (migrations / "0002_view.mig").write_text("create view user_emails as select id, email from users\n")
    for i in range(3, 104):  # past the first snapshot (every 100 migrations)
        (migrations / f"{i:04d}_col_{i}.mig").write_text(f"alter table users add column c{i} int\n")
    first = _check_in_a_fresh_process(tmp_path)
    assert first.returncode == 0, first.stderr
    (migrations / "0104_rename.mig").write_text(
        "alter table users rename column email to mail\n\ndrop table users\n")
    resumed = _check_in_a_fresh_process(tmp_path)
    shutil.rmtree(tmp_path / ".migc")
    fresh = _check_in_a_fresh_process(tmp_path)
    assert (resumed.returncode, resumed.stdout, resumed.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert resumed.returncode == 1 and "user_emails" in resumed.stdout + resumed.stderr
    in_process = compile_project(ProjectConfig(migrations_dir=migrations), use_cache=False)
    assert not in_process.ok and any("user_emails" in d.message for d in in_process.diagnostics)


def test_the_cache_records_the_kinds_it_needs(tmp_path: Path) -> None:
    """The snapshots file says which kinds were loaded on demand when it was written."""
    from migc.cache import _read_signed

    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_t.mig").write_text("create table t (id int)\n")
    (migrations / "0002_f.mig").write_text(
        "create function one() returns int language sql immutable as $$ select 1 $$\n")
    assert _check_in_a_fresh_process(tmp_path).returncode == 0
    loaded = _read_signed(tmp_path / ".migc" / "cache" / "snapshots.pickle")
    assert isinstance(loaded, tuple) and "migc.kinds.function" in loaded[0] and "migc.kinds.view" not in loaded[0]
