"""`migc squash --to V` (src/migc/adopt/squash.py) and databases on every side of a squash
(runner/status.py): on real PostgreSQL."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from migc.project import load_config, squashed_versions, versions_text
from migc.runner.catalog import describe_differences, snapshot

EXAMPLE = Path(__file__).parents[1] / "migrations"
LAST = max(int(p.name[:4]) for p in EXAMPLE.glob("*.mig"))  # the example's last version (8)
AFTER_5 = sorted(p.name for p in EXAMPLE.glob("*.mig") if int(p.name[:4]) > 5)
Run = Callable[..., Any]


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def _schema(run_migc: Run, cwd: Path) -> str:
    done = run_migc("schema", cwd=cwd)
    assert done.returncode == 0, done.stderr
    return str(done.stdout)


def _schema_catalog(run_migc: Run, cwd: Path, server_url: str) -> dict[str, Any]:
    """The catalog `migc schema`'s script builds on an empty database."""
    import uuid

    from migc.runner.urls import with_database

    name = f"migc_test_{uuid.uuid4().hex[:12]}"
    _rows(server_url, f'create database "{name}"')
    try:
        url = with_database(server_url, name)
        _rows(url, _schema(run_migc, cwd))
        return snapshot(url)
    finally:
        _rows(server_url, f'drop database "{name}" with (force)')


@pytest.fixture
def example(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "migrations")
    return tmp_path


def test_versions_header() -> None:
    assert versions_text({1, 2, 3, 5, 7, 8}) == "1-3, 5, 7-8"
    assert squashed_versions(b"-- migc: squash of versions 1-3, 5, 7-8\ncreate table t (id int)\n") == {1, 2, 3, 5, 7, 8}
    assert squashed_versions(b"-- a comment\n-- migc: squash of versions 1-3\n") == frozenset()
    assert squashed_versions(b"-- migc: squash of versions 1-3, banana\n") == frozenset()
    assert squashed_versions(b"-- migc: squash of versions 1-99999999999\n") == frozenset()


def test_squash_the_example_project(example: Path, pg_server_url: str, run_migc: Run) -> None:
    before = _schema_catalog(run_migc, example, pg_server_url)
    done = run_migc("squash", "--to", "5", "--database-url", pg_server_url, cwd=example)
    assert done.returncode == 0, done.stderr
    migrations = example / "migrations"
    squash = migrations / "0005_squashed_move_billing_email.mig"
    assert sorted(p.name for p in migrations.glob("*.mig")) == [squash.name, *AFTER_5]
    assert sorted(p.name for p in (migrations / "squashed").iterdir()) == sorted(p.name for p in EXAMPLE.glob("000[1-5]*"))
    text = squash.read_text()
    assert text.startswith("-- migc: squash of versions 1-5\n")
    assert "sql $" not in text  # all native: checked, with a derived down
    assert "squashed 5 migration(s) (0001_create_orgs_and_users ... 0005_move_billing_email) into " \
           "migrations/0005_squashed_move_billing_email.mig in " in done.stdout
    # the data change of 0005 cannot be re-derived: listed, not kept
    assert "0005_move_billing_email.mig:16: insert into billing_accounts" in done.stderr
    assert "insert into" not in text
    # types before the tables that use them, foreign keys after both ends
    assert text.index("create enum") < text.index("create table public.users") < text.index("foreign key")
    assert '"' not in text.split("nextval(")[0]  # names that need no quotes are written without (as a person would)
    # the squashed project compiles to the same schema
    assert describe_differences(before, _schema_catalog(run_migc, example, pg_server_url)) == []
    verify = run_migc("verify", "--database-url", pg_server_url, cwd=example)
    assert verify.returncode == 0, verify.stderr


def test_the_squash_compiles_to_the_model_after_v(example: Path, pg_server_url: str, run_migc: Run) -> None:
    """The squashed file alone and the originals up to V alone: the same model, so the same
    `migc schema`; and after the squash, its derived down restores an empty database."""
    originals = example / "originals"
    (originals / "migrations").mkdir(parents=True)
    for path in sorted(EXAMPLE.glob("000[1-4]*")):
        shutil.copy(path, originals / "migrations" / path.name)
    model_after_v = _schema_catalog(run_migc, originals, pg_server_url)
    done = run_migc("squash", "--to", "4", "--database-url", pg_server_url, cwd=example)
    assert done.returncode == 0, done.stderr
    alone = example / "alone"
    (alone / "migrations").mkdir(parents=True)
    shutil.copy(example / "migrations" / "0004_squashed_rename_user_name.mig", alone / "migrations")
    assert describe_differences(model_after_v, _schema_catalog(run_migc, alone, pg_server_url)) == []


def test_the_squash_down_restores_an_empty_database(example: Path, fresh_db: str, run_migc: Run) -> None:
    empty = snapshot(fresh_db)
    assert run_migc("squash", "--to", str(LAST), "--database-url", fresh_db, cwd=example).returncode == 0
    up = run_migc("up", "--database-url", fresh_db, cwd=example)
    assert up.returncode == 0 and "applied 1 migration(s)" in up.stdout, up.stderr
    assert describe_differences(empty, snapshot(fresh_db)) != []
    down = run_migc("down", "--database-url", fresh_db, cwd=example)
    assert down.returncode == 0, down.stderr
    assert describe_differences(empty, snapshot(fresh_db)) == []


# ---------------------------------------------------------------- databases on every side of the squash


def _applied(url: str) -> list[int]:
    return [int(v) for (v,) in _rows(url, "select version from public.migc_migrations order by version")]


@pytest.fixture(scope="module")
def reference(pg_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The catalog of a database built by `migc up` of the example's original history."""
    import subprocess
    import sys
    import uuid

    from migc.runner.urls import with_database

    name = f"migc_test_{uuid.uuid4().hex[:12]}"
    _rows(pg_server_url, f'create database "{name}"')
    try:
        url = with_database(pg_server_url, name)
        subprocess.run([sys.executable, "-m", "migc", "up", "--database-url", url, "--dir", str(EXAMPLE)],
                       check=True, capture_output=True, cwd=tmp_path_factory.mktemp("reference"))
        return snapshot(url)
    finally:
        _rows(pg_server_url, f'drop database "{name}" with (force)')


@pytest.mark.parametrize("at", [0, 3, 5, LAST])
def test_databases_before_inside_and_after_the_range(example: Path, fresh_db: str, run_migc: Run, at: int,
                                                     reference: dict[str, Any]) -> None:
    url = ("--database-url", fresh_db)
    if at:
        assert run_migc("up", "--to", str(at), *url, cwd=example).returncode == 0
    catalog_before = snapshot(fresh_db)
    done = run_migc("squash", "--to", "5", *url, cwd=example)
    assert done.returncode == 0, done.stderr
    assert snapshot(fresh_db) == catalog_before  # squash touches no database but scratch ones
    status = run_migc("status", *url, cwd=example)
    up = run_migc("up", *url, cwd=example)
    if at == 3:  # inside the range: refused, naming what it lacks
        assert up.returncode == 1, up.stdout
        assert "applied only some of the migrations a squash replaces" in up.stderr
        assert "0005_squashed_move_billing_email replaces versions this database has not all applied: " \
               "it lacks 0004, 0005" in up.stderr
        assert "migc up --dir migrations/squashed --to 5" in up.stderr
        assert status.returncode == 1 and "it lacks 4, 5" in status.stderr
        lines = status.stdout.splitlines()
        assert [line.split()[2] for line in lines] == ["squashed"] * 3 + ["pending"] * (LAST - 4), status.stdout
        assert _applied(fresh_db) == [1, 2, 3]
        # the way out the message gives: the originals, then the rest
        fix = run_migc("up", "--dir", "migrations/squashed", "--to", "5", *url, cwd=example)
        assert fix.returncode == 0, fix.stderr
        up = run_migc("up", *url, cwd=example)
        assert up.returncode == 0 and f"applied {LAST - 5} migration(s)" in up.stdout, up.stderr
        assert _applied(fresh_db) == list(range(1, LAST + 1))
    elif at == 0:  # before: the squash applies, then the rest
        assert status.returncode == 0 and status.stdout.count("pending") == LAST - 4
        assert up.returncode == 0 and f"applied {LAST - 4} migration(s)" in up.stdout, up.stderr
        assert _applied(fresh_db) == list(range(5, LAST + 1))
    else:  # after (or at) V: the squash counts as applied; its originals' rows are `squashed`
        assert status.returncode == 0, status.stderr
        lines = status.stdout.splitlines()
        states = {tuple(line.split()[:3]) for line in lines}
        assert {("0001", "create_orgs_and_users", "squashed"), ("0005", "move_billing_email", "squashed"),
                ("0005", "squashed_move_billing_email", "applied")} <= states, status.stdout
        assert "missing" not in status.stdout and "modified" not in status.stdout
        expected = LAST - at
        assert up.returncode == 0, up.stderr
        assert (f"applied {expected} migration(s)" if expected else "nothing to apply") in up.stdout
        assert _applied(fresh_db) == list(range(1, LAST + 1))
    # the same catalog as a database built from the original history
    assert describe_differences(reference, snapshot(fresh_db), "the originals", "here") == []
    # a migration written after the squash applies everywhere
    (example / "migrations" / f"{LAST + 1:04d}_more.mig").write_text("alter table tags add column colour text\n")
    up = run_migc("up", *url, cwd=example)
    assert up.returncode == 0 and "applied 1 migration(s)" in up.stdout, up.stderr


def test_down_across_the_squash_boundary(example: Path, fresh_db: str, run_migc: Run) -> None:
    """Reverting the originals' rows works (their down SQL is stored); the database is then inside
    the range, and `up` says so."""
    url = ("--database-url", fresh_db)
    assert run_migc("up", *url, cwd=example).returncode == 0
    assert run_migc("squash", "--to", "5", *url, cwd=example).returncode == 0
    down = run_migc("down", "--steps", str(LAST - 4), *url, cwd=example)
    assert down.returncode == 0, down.stderr
    assert _applied(fresh_db) == [1, 2, 3, 4]
    up = run_migc("up", *url, cwd=example)
    assert up.returncode == 1 and "it lacks 0005" in up.stderr
    down = run_migc("down", "--to", "0", "--allow-data-loss", *url, cwd=example)
    assert down.returncode == 0 and _applied(fresh_db) == []
    up = run_migc("up", *url, cwd=example)
    assert up.returncode == 0 and _applied(fresh_db) == list(range(5, LAST + 1))


# ---------------------------------------------------------------- raw sql in the range


def _project(root: Path, files: dict[str, str]) -> Path:
    (root / "migrations").mkdir(parents=True)
    for name, text in files.items():
        (root / "migrations" / name).write_text(text)
    return root


RAW_HISTORY = {
    "0001_kinds.mig": "create table kinds (id int pk, label text not null)\n"
                      "comment on table kinds is 'what things are'\n",
    "0002_seed.mig": "sql $$insert into kinds values (1, 'one'), (2, 'two')$$ down $$delete from kinds$$\n",
    "0003_total.mig": "sql $$create aggregate total(int) (sfunc = int4pl, stype = int, initcond = '0')$$"
                      " down $$drop aggregate total(int)$$\n",
    "0004_more.mig": "alter table kinds add column rank int\n",
}


def test_data_changes_are_listed_and_kept_with_keep_data(tmp_path: Path, fresh_db: str, run_migc: Run) -> None:
    project = _project(tmp_path, RAW_HISTORY)
    done = run_migc("squash", "--to", "4", "--database-url", fresh_db, "--dry-run", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "migrations/0002_seed.mig:1: insert into kinds values (1, 'one'), (2, 'two')" in done.stderr
    assert "--keep-data keeps them" in done.stderr
    # other raw sql (the model cannot see it) is always kept, with its down; comments on objects too
    assert "create aggregate total" in done.stdout and "drop aggregate total" in done.stdout
    assert "insert into kinds" not in done.stdout
    assert "comment on table public.kinds is 'what things are'" in done.stdout
    assert sorted(p.name for p in (project / "migrations").iterdir()) == sorted(RAW_HISTORY)  # dry run

    done = run_migc("squash", "--to", "4", "--keep-data", "--database-url", fresh_db, cwd=project)
    assert done.returncode == 0, done.stderr
    text = (project / "migrations" / "0004_squashed_more.mig").read_text()
    assert text.index("comment on table") < text.index("insert into kinds") < text.index("create aggregate")  # in order, after the schema
    assert "-- kept from migrations/0002_seed.mig:1 (raw sql: it changes data, kept by --keep-data)" in text
    up = run_migc("up", "--database-url", fresh_db, cwd=project)
    assert up.returncode == 0, up.stderr
    assert _rows(fresh_db, "select id, label from kinds order by id") == [(1, "one"), (2, "two")]
    assert _rows(fresh_db, "select total(id) from kinds") == [(3,)]
    down = run_migc("down", "--database-url", fresh_db, cwd=project)  # the kept statements' downs
    assert down.returncode == 0, down.stderr
    assert _rows(fresh_db, "select to_regclass('kinds') is null") == [(True,)]


def test_a_kept_data_change_that_cannot_run_on_the_final_schema(example: Path, pg_server_url: str,
                                                                run_migc: Run) -> None:
    """0005's insert reads orgs.billing_email, which 0005 itself drops: kept after the schema it
    cannot run, and the proof says so; nothing changes."""
    done = run_migc("squash", "--to", "5", "--keep-data", "--database-url", pg_server_url, cwd=example)
    assert done.returncode == 1
    assert "fails on an empty scratch database" in done.stderr and "billing_email" in done.stderr, done.stderr
    assert sorted(p.name for p in (example / "migrations").iterdir()) == sorted(p.name for p in EXAMPLE.iterdir())


# ---------------------------------------------------------------- errors


def test_errors(example: Path, pg_server_url: str, run_migc: Run) -> None:
    url = ("--database-url", pg_server_url)
    done = run_migc("squash", "--to", "9", *url, cwd=example)
    assert done.returncode == 1 and "--to 9: no migration has version 9" in done.stderr
    done = run_migc("squash", "--to", "1", *url, cwd=example)
    assert done.returncode == 1 and "nothing to squash" in done.stderr
    (example / "migrations" / "squashed").mkdir()
    (example / "migrations" / "squashed" / "0002_create_posts_and_comments.mig").write_text("-- mine\n")
    done = run_migc("squash", "--to", "3", *url, cwd=example)
    assert done.returncode == 1 and "already has 0002_create_posts_and_comments.mig" in done.stderr
    (example / "migrations" / "0003_create_tags.mig").write_text("create table tags (id nosuchtype)\n")
    done = run_migc("squash", "--to", "3", *url, cwd=example)
    assert done.returncode == 1 and "nosuchtype" in done.stderr and "Traceback" not in done.stderr


def test_squash_again(example: Path, fresh_db: str, run_migc: Run) -> None:
    """A squash squashed again covers the versions of both; a database that applied the originals
    is still recognised."""
    url = ("--database-url", fresh_db)
    assert run_migc("up", *url, cwd=example).returncode == 0
    assert run_migc("squash", "--to", "3", *url, cwd=example).returncode == 0
    (example / "migrations" / "squashed").rename(example / "first_squash")
    done = run_migc("squash", "--to", "6", *url, cwd=example)
    assert done.returncode == 0, done.stderr
    text = (example / "migrations" / "0006_squashed_comment_moderation.mig").read_text()
    assert text.startswith("-- migc: squash of versions 1-6\n")
    status = run_migc("status", *url, cwd=example)
    assert status.returncode == 0 and status.stdout.count("squashed  ") >= 1, status.stdout
    assert "nothing to apply" in run_migc("up", *url, cwd=example).stdout


def test_a_thousand_migrations(tmp_path: Path, fresh_db: str, run_migc: Run) -> None:
    files = {}
    for n in range(1, 1001):
        table = f"t{(n - 1) // 5}"
        files[f"{n:04d}_step_{n}.mig"] = (f"create table {table} (id int pk)\n" if n % 5 == 1
                                          else f"alter table {table} add column c{n} text\n")
    project = _project(tmp_path, files)
    assert run_migc("up", "--to", "600", "--database-url", fresh_db, cwd=project, timeout=600).returncode == 0
    before = _schema_catalog(run_migc, project, fresh_db)
    started = time.perf_counter()
    done = run_migc("squash", "--to", "990", "--database-url", fresh_db, cwd=project, timeout=600)
    print(f"squash of 990 migrations: {time.perf_counter() - started:.1f} s")
    assert done.returncode == 0, done.stderr
    assert (project / "migrations" / "0990_squashed_step_990.mig").read_text().startswith(
        "-- migc: squash of versions 1-990\n")
    assert len(list((project / "migrations").glob("*.mig"))) == 11
    assert describe_differences(before, _schema_catalog(run_migc, project, fresh_db)) == []
    up = run_migc("up", "--database-url", fresh_db, cwd=project, timeout=600)
    assert up.returncode == 1 and "it lacks 0601, 0602" in up.stderr  # inside the range
    assert load_config(project).migrations_dir.is_dir()


def test_a_database_built_from_an_earlier_squash(example: Path, fresh_db: str, run_migc: Run) -> None:
    """Squashed to 3, applied from the squash (rows 3, 4, 5 only), squashed again to 5: the
    versions below its lowest row were never applied there, so the new squash counts as applied."""
    url = ("--database-url", fresh_db)
    assert run_migc("squash", "--to", "3", *url, cwd=example).returncode == 0
    assert run_migc("up", "--to", "5", *url, cwd=example).returncode == 0
    assert _applied(fresh_db) == [3, 4, 5]
    (example / "migrations" / "squashed").rename(example / "first_squash")
    assert run_migc("squash", "--to", "5", *url, cwd=example).returncode == 0
    status = run_migc("status", *url, cwd=example)
    assert status.returncode == 0, status.stderr
    assert "0005  squashed_move_billing_email  applied" in status.stdout
    assert "0003  squashed_create_tags         squashed" in status.stdout, status.stdout
    up = run_migc("up", *url, cwd=example)
    assert up.returncode == 0 and f"applied {LAST - 5} migration(s)" in up.stdout, up.stderr  # those after 5
