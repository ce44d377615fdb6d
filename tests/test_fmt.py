"""`migc fmt`: idempotent, every comment kept, meaning unchanged (same AST, spans aside; the same
compiled ops and diagnostics for whole projects), over every `.mig` in tests/ and migrations/ and
over random histories (tests/histories.py, the generator the property tests use)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import migc.kinds  # noqa: F401
from migc.compiler import check_file
from migc.editor.fmt import FormatError, format_text
from migc.editor.tokens import tokenize
from migc.ir.schema import Schema
from migc.syntax.parser import parse

REPO = Path(__file__).resolve().parents[1]
ALL_MIG = sorted(p for base in ("tests", "migrations") for p in (REPO / base).rglob("*.mig")
                 if ".lsp_project" not in p.parts)
PROJECTS = sorted({p.parent for p in ALL_MIG})


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")


def _comments(text: str) -> list[str]:
    return [t.text for t in tokenize(text) if t.is_comment]


def _parses(text: str) -> bool:
    return parse(text, "x.mig")[0] is not None


def test_there_are_many_files() -> None:
    assert len(ALL_MIG) > 200


def _meaning(x: object) -> object:
    """The AST without positions: spans are left out wherever they are (a node's span field is not
    compared anyway; some nodes keep spans inside plain tuples, such as a function's options)."""
    import dataclasses

    from migc.source import Span

    if isinstance(x, Span):
        return None
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__, tuple(_meaning(getattr(x, f.name)) for f in dataclasses.fields(x) if f.compare))
    if isinstance(x, (tuple, list)):
        return tuple(_meaning(i) for i in x)
    return x


@pytest.mark.parametrize("path", ALL_MIG, ids=lambda p: str(p.relative_to(REPO)))
def test_format_keeps_meaning_and_comments_and_is_idempotent(path: Path) -> None:
    text = _text(path)
    if "\x00" in text or not _parses(text):
        with pytest.raises(FormatError):
            format_text(text)
        return
    out = format_text(text)
    before, _ = parse(text, "x.mig")
    after, errors = parse(out, "x.mig")
    assert after is not None, errors
    assert before is not None
    assert _meaning((after.statements, after.down)) == _meaning((before.statements, before.down))
    assert _comments(out) == _comments(text)
    assert format_text(out) == out


def _project_result(files: list[tuple[str, str]]) -> list[tuple[object, ...]]:
    """Per file: its ops (spans aside), its down ops, and its diagnostics' codes and lines' text."""
    schema: Schema | None = Schema()
    out: list[tuple[object, ...]] = []
    for name, text in files:
        if schema is None:
            break
        checked = check_file(text.encode(), name, schema, False)
        lines = text.split("\n")
        # a message may cite where something was made (`0002_views.mig:3:1`): lines move
        diags = sorted((d.code, re.sub(r"\.mig:\d+:\d+", ".mig", d.message),
                        lines[d.span.line - 1].strip() if 0 < d.span.line <= len(lines) else "")
                       for d in checked.diagnostics)
        lowered = checked.lowered
        out.append((lowered.ops if lowered else None, lowered.down_ops if lowered else None, tuple(diags)))
        schema = checked.schema_after
    return out


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: str(p.relative_to(REPO)))
def test_a_formatted_project_compiles_to_the_same_ops_and_diagnostics(project: Path) -> None:
    files = [(p.name, _text(p)) for p in sorted(project.glob("*.mig"))]
    formatted = []
    for name, text in files:
        try:
            formatted.append((name, format_text(text)))
        except FormatError:
            formatted.append((name, text))
    before = _project_result(files)
    after = _project_result(formatted)
    assert [(ops, down) for ops, down, _ in after] == [(ops, down) for ops, down, _ in before]
    # the same diagnostics, each on a line that reads the same once formatted (spans move)
    assert [[(c, m) for c, m, _ in d] for _, _, d in after] == [[(c, m) for c, m, _ in d] for _, _, d in before]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=__import__("histories").histories())
def test_random_histories_format_to_the_same_ops(history: object) -> None:
    files = history.files()  # type: ignore[attr-defined]
    formatted = [(name, format_text(text)) for name, text in files]
    assert [(ops, down) for ops, down, _ in _project_result(formatted)] == \
        [(ops, down) for ops, down, _ in _project_result(files)]
    for _, text in formatted:
        assert format_text(text) == text


def test_the_canonical_layout() -> None:
    text = """-- header

CREATE TABLE Users (id BIGINT PRIMARY KEY,   -- the key
  email text NOT NULL default lower('X'), "Weird Name" varchar(20)[] check (length(email)>3),
  -- a constraint next
  constraint u_email unique (email)
);
-- migc: allow W101
create index ON users(email) where email is not null;   create index on users ((lower(email)))
ALTER TABLE users ADD COLUMN age int default -1, drop column "Weird Name" -- trailing
sql $x$
  SELECT 1;
$x$
"""
    assert format_text(text) == """-- header

create table users (
  id           bigint primary key,  -- the key
  email        text not null default lower('X'),
  "Weird Name" varchar(20)[] check (length(email) > 3),
  -- a constraint next
  constraint u_email unique (email)
);
-- migc: allow W101
create index on users (email) where email is not null;
create index on users ((lower(email)))
alter table users
  add column age int default -1,
  drop column "Weird Name"  -- trailing
sql $x$
  SELECT 1;
$x$
"""


def test_a_file_that_does_not_parse_is_not_formatted() -> None:
    with pytest.raises(FormatError) as err:
        format_text("create table (\n")
    assert err.value.line == 1


def _migc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migc", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_cli_check_diff_and_write(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    f = tmp_path / "migrations" / "0001_init.mig"
    f.write_text("CREATE TABLE t (a int,b text)\n")
    good = tmp_path / "migrations" / "0002_ok.mig"
    good.write_text("alter table t add column c int\n")
    check = _migc("fmt", "--check", cwd=tmp_path)
    assert check.returncode == 1 and "would reformat migrations/0001_init.mig" in check.stdout
    assert "0002" not in check.stdout
    diff = _migc("fmt", "--diff", cwd=tmp_path)
    assert diff.returncode == 0 and "-CREATE TABLE t (a int,b text)" in diff.stdout and "+  a int," in diff.stdout
    assert f.read_text() == "CREATE TABLE t (a int,b text)\n"
    write = _migc("fmt", cwd=tmp_path)
    assert write.returncode == 0 and "formatting every migration" in write.stderr
    assert f.read_text() == "create table t (\n  a int,\n  b text\n)\n"
    assert _migc("fmt", "--check", cwd=tmp_path).returncode == 0


def test_cli_errors_are_clear_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "0001_bad.mig"
    bad.write_text("create table (\n")
    result = _migc("fmt", str(bad), str(tmp_path / "missing.mig"), str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"0001_bad\.mig:1:\d+: .* \(not formatted\)", result.stderr)
    assert "missing.mig: cannot read" in result.stderr
    assert "is a directory" in result.stderr
    assert bad.read_text() == "create table (\n"


def test_cli_keeps_a_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    f = tmp_path / "0001_x.mig"
    f.write_bytes(b"\xef\xbb\xbfCREATE TABLE t (a int)\r\n")
    assert _migc("fmt", str(f), cwd=tmp_path).returncode == 0
    assert f.read_bytes() == b"\xef\xbb\xbfcreate table t (\r\n  a int\r\n)\r\n"
