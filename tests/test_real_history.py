"""Real public migration histories (tests/real_histories/<name>/): the original SQL files and
their translation to `.mig`. After every migration, the catalog that `migc up` builds must equal
the one the original SQL builds (same tables, columns, types, defaults, keys, indexes, comments,
... as runner/catalog.py reads them); `migc down --to 0` must then leave nothing behind; and the
share of the original's statements that the translation writes natively may not fall below what
history.toml records."""

from __future__ import annotations

import re
import tomllib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from migc.runner.catalog import describe_differences, snapshot
from migc.runner.urls import with_database

HISTORIES = Path(__file__).parent / "real_histories"
NAMES = sorted(p.name for p in HISTORIES.iterdir() if (p / "history.toml").is_file() and (p / "migrations").is_dir())


def _version(path: Path) -> int:
    return int(path.name.split("_", 1)[0])


def _pairs(name: str) -> list[tuple[Path, Path]]:
    history = HISTORIES / name
    originals = sorted((history / "sql").glob("*.sql"), key=_version)
    translated = sorted((history / "migrations").glob("*.mig"), key=_version)
    assert [_version(p) for p in originals] == [_version(p) for p in translated]
    return list(zip(originals, translated))


@pytest.fixture
def make_db(pg_server_url: str) -> Iterator[Callable[[], str]]:
    made: list[str] = []

    def make() -> str:
        name = f"migc_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return with_database(pg_server_url, name)

    yield make
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("name", NAMES)
def test_each_migration_builds_what_the_original_sql_builds(
    name: str, make_db: Callable[[], str], run_migc: Callable[..., Any]
) -> None:
    original_db, migc_db = make_db(), make_db()
    empty = snapshot(make_db())
    history = HISTORIES / name
    for sql_file, mig_file in _pairs(name):
        with psycopg.connect(original_db, cursor_factory=psycopg.ClientCursor) as conn:
            conn.execute(sql_file.read_text())  # one transaction per file, as the project's tool runs it
        done = run_migc("up", "--to", str(_version(mig_file)), "--database-url", migc_db, cwd=history)
        assert done.returncode == 0, done.stderr
        differences = describe_differences(snapshot(original_db), snapshot(migc_db), "original SQL", "migc")
        assert differences == [], f"after {mig_file.name}"
    done = run_migc("down", "--to", "0", "--allow-data-loss", "--database-url", migc_db, cwd=history)
    assert done.returncode == 0, done.stderr
    assert describe_differences(empty, snapshot(migc_db), "an empty database", "after down --to 0") == []


# statements in SQL text: what ends at a `;` outside strings, quoted names, dollar quotes, comments
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|(\$[A-Za-z_0-9]*\$)|--[^\n]*|/\*.*?\*/|;|[^'"$;\-/]+|.""", re.S)


def count_statements(sql: str) -> int:
    count, pending, pos = 0, False, 0
    while pos < len(sql):
        match = _TOKEN.match(sql, pos)
        assert match is not None
        text, tag = match.group(0), match.group(1)
        pos = match.end()
        if tag:  # a dollar-quoted body: skip to its closing tag
            pos = sql.index(tag, pos) + len(tag)
            pending = True
        elif text == ";":
            count, pending = count + 1, False
        elif not text.startswith(("--", "/*")) and text.strip():
            pending = True
    return count + pending


_RAW = re.compile(r"^\s*sql\s+(\$[A-Za-z_0-9]*\$)(.*?)\1", re.S | re.M)


def native_share(name: str) -> float:
    """The share of the original's statements that the translation does not write as raw sql."""
    total = raw = 0
    for sql_file, mig_file in _pairs(name):
        total += count_statements(sql_file.read_text())
        raw += sum(count_statements(m.group(2)) for m in _RAW.finditer(mig_file.read_text()))
    return (total - raw) / total


def test_statement_counting() -> None:
    assert count_statements("create table a (x text default ';');\n-- a; comment\ncreate index on a (x)") == 2
    assert count_statements("create function f() returns int as $f$ select 1; $f$ language sql;") == 1
    assert count_statements("/* ; */ select ';' ; ") == 1


@pytest.mark.parametrize("name", NAMES)
def test_the_translation_stays_native(name: str) -> None:
    config = tomllib.loads((HISTORIES / name / "history.toml").read_text())
    assert native_share(name) >= config["native_share_at_least"]
