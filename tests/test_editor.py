"""The editor's model in process (migc.editor): the workspace gives `migc check`'s diagnostics, an
edit re-checks from the edited file and stops early once the schema is as before, positions
convert to LSP's UTF-16 columns, completion contexts, and a handler that fails is logged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import migc.kinds  # noqa: F401
from migc.compiler import compile_project
from migc.editor import complete
from migc.editor.positions import LineIndex
from migc.editor.workspace import Workspace
from migc.project import load_config
from migc.source import Span

REPO = Path(__file__).resolve().parents[1]
GOLDEN = sorted(p for p in (REPO / "tests" / "golden").iterdir() if p.is_dir() and any(p.glob("*.mig")))


@pytest.mark.parametrize("case", GOLDEN, ids=lambda p: p.name)
def test_workspace_diagnostics_are_migc_checks(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    config = load_config(cwd=case, dir_override=case)
    expected = compile_project(config, use_cache=False).diagnostics
    ws = Workspace.open(config)
    got = [d for i in range(len(ws.files)) for d in ws.diagnostics(i)]
    got += [d for ds in ws.orphan_diagnostics().values() for d in ds]
    assert sorted(got, key=lambda d: d.sort_key) == list(expected)


def _project(tmp_path: Path, files: dict[str, str]) -> Workspace:
    (tmp_path / "migrations").mkdir()
    for name, text in files.items():
        (tmp_path / "migrations" / name).write_text(text)
    os.chdir(tmp_path)
    return Workspace.open(load_config(cwd=tmp_path))


def test_an_edit_rechecks_from_the_file_and_stops_when_the_schema_is_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    ws = _project(tmp_path, {
        "0001_a.mig": "create table t (a int, b int)\n",
        "0002_b.mig": "alter table t add column c int\n",
        "0003_c.mig": "create index on t (b)\n",
        "0004_d.mig": "alter table t drop column c\n",
    })
    checked: list[int] = []
    original = ws._check

    def spy(i: int):  # type: ignore[no-untyped-def]
        checked.append(i)
        return original(i)

    monkeypatch.setattr(ws, "_check", spy)
    path = ws.files[1].file.path
    # a comment changes nothing downstream: only 0002 and the next file are checked
    assert ws.set_text(path, "-- a comment\nalter table t add column c int\n") in ([], [1])
    assert checked == [1, 2]
    checked.clear()
    # dropping b breaks 0003: checked through to the end, and 0003's diagnostics changed
    changed = ws.set_text(path, "alter table t add column c int, drop column b\n")
    assert checked == [1, 2, 3] and 2 in changed
    assert [d.code for d in ws.diagnostics(2) if d.severity.value == "error"] == ["E103"]
    changed = ws.set_text(path, None)
    assert 2 in changed and not [d for d in ws.diagnostics(2) if d.severity.value == "error"]


def test_utf16_positions() -> None:
    li = LineIndex("-- 😀 é\ncreate table \"😀\" (a int)\n")
    # the emoji is one code point (1 column) but two UTF-16 units
    assert li.to_lsp(2, 16) == (1, 16)
    assert li.to_lsp(2, 17) == (1, 17) and li.to_lsp(1, 5) == (0, 5) and li.to_lsp(1, 6) == (0, 6)
    assert li.to_lsp(1, 7) == (0, 7)
    assert li.from_lsp(0, 5) == (1, 5) and li.from_lsp(0, 6) == (1, 6)
    assert li.span_to_lsp(Span(2, 14, 2, 17)) == ((1, 13), (1, 17))


@pytest.mark.parametrize(("text", "kind", "table"), [
    ("alter table users drop column ", "columns", (None, "users")),
    ("alter table app.users alter column x set default ", "columns", ("app", "users")),
    ("alter table users drop constraint ", "constraints", (None, "users")),
    ("create index on users (", "columns", (None, "users")),
    ("create index on users (a, ", "columns", (None, "users")),
    ("alter table a add column b int references users (", "columns", (None, "users")),
    ("alter table ", "table", None),
    ("drop table if exists ", "table", None),
    ("alter table a add column b int references ", "table", None),
    ("create index on ", "table", None),
    ("alter table users add column x ", "type", None),
    ("create table t (a ", "type", None),
    ("create table t (a int, b ", "type", None),
    ("select 1::", "type", None),
    ("-- migc: allow ", "code", None),
    ("-- migc: allow W101, ", "code", None),
    ("", "statement", None),
    ("create table t (a int)\n", "statement", None),
    ("-- just a comm", "none", None),
    ("create table t (a text default 'ab", "none", None),
    ("drop index ", "index", None),
    ("drop enum ", "enum", None),
    ("alter function ", "routine", None),
    ("drop procedure ", "routine", None),
])
def test_completion_contexts(text: str, kind: str, table: tuple[str | None, str] | None) -> None:
    ctx = complete.context_at(text, len(text))
    assert ctx.kind == kind
    if table is not None:
        assert ctx.table == table


def test_create_table_check_offers_the_columns_written_so_far() -> None:
    text = "create table t (a int, b text, check ("
    ctx = complete.context_at(text, len(text))
    assert ctx.kind == "columns" and ctx.table is None and ctx.new_columns == ("a", "b")


def test_grammar_keywords_come_from_the_grammar() -> None:
    assert {"create", "alter", "drop", "rename", "comment", "sql"} <= set(complete.grammar_keywords(""))
    assert {"add", "drop", "rename", "alter", "validate"} <= set(complete.grammar_keywords("alter table t "))
    assert "not null" in complete.grammar_keywords("create table t (a int ")


def test_a_failing_handler_is_logged_and_answers_nothing() -> None:
    pytest.importorskip("pygls")
    from lsprotocol import types as lsp

    from migc.editor.server import build_server

    server = build_server()
    logged: list[str] = []
    server.log = lambda message, kind=None: logged.append(message)  # type: ignore[method-assign]
    hover = server.protocol.fm.features[lsp.TEXT_DOCUMENT_HOVER]
    assert hover(None) is None  # params the handler cannot read: an exception inside
    assert logged and "internal error in hover" in logged[0] and "Traceback" in logged[0]


def test_the_cli_start_up_imports_no_editor_and_lsp_without_the_extra_says_so() -> None:
    import subprocess
    import sys

    probe = ("import sys, migc.cli; bad = [m for m in sys.modules if m.startswith(('migc.editor', 'pygls', 'lsprotocol'))];"
             " print(bad)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]"
    missing = ("import sys; sys.modules['pygls'] = None; sys.argv = ['migc', 'lsp'];"
               " from migc.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", missing], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "needs the language-server extra" in result.stderr and "pip install 'migc[lsp]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_session_leaves_the_compile_cache_warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from migc import cache

    monkeypatch.chdir(tmp_path)
    ws = _project(tmp_path, {f"{n:04d}_m.mig": f"create table t{n} (a int)\n" for n in range(1, 131)})
    assert ws.save_cache() == 130
    store = cache.load(ws.config.state_dir)
    assert all(s.key in store.entries for s in ws.files)
    assert set(store.snapshots) == {ws.files[99].key, ws.files[129].key}
    # what `migc check` then reads from the cache is what it computes afresh
    warm = compile_project(ws.config)
    cold = compile_project(ws.config, use_cache=False)
    assert warm.diagnostics == cold.diagnostics
    assert [m.up for m in warm.migrations] == [m.up for m in cold.migrations]
    # and the next open takes the files from the cache: only the first is checked again
    again = Workspace.open(ws.config)
    assert sum(1 for s in again.files if s.checked is not None) == 1


def test_semantic_tokens_say_what_each_name_is_at_its_point_of_history(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name is typed by what it names *there*: `things` is a table in 0001 and a view's name in
    0002 after the table was renamed; a schema written before a name is a namespace; the name in
    the creating statement is its declaration; a file that does not parse has no tokens."""
    from migc.editor.service import Editor

    monkeypatch.chdir(tmp_path)
    ws = _project(tmp_path, {
        "0001_a.mig": "create schema app\ncreate table app.things (id int, label text)\n"
                      "create index things_label on app.things (label)\n",
        "0002_b.mig": "rename table app.things to items\n"
                      "create view app.things as select id, label from app.items\n"
                      "create function one() returns int language sql immutable as $$ select 1 $$\n"
                      "alter table app.items add column n int default one()\n",
        "0003_c.mig": "create table broken (\n",
    })
    editor = Editor(ws)
    files = sorted((tmp_path / "migrations").glob("*.mig"))

    def tokens(i: int) -> list[tuple[str, str, bool]]:
        text = files[i].read_text().splitlines()
        return [(text[t.line][t.character:t.character + t.length], t.type, t.declaration)
                for t in editor.semantic_tokens(files[i])]

    assert tokens(0) == [
        ("app", "namespace", True),
        ("app", "namespace", False), ("things", "class", True), ("id", "property", False),
        ("label", "property", False),
        ("things_label", "variable", True), ("app", "namespace", False), ("things", "class", False),
        ("label", "property", False),
    ]
    assert tokens(1) == [
        ("app", "namespace", False), ("things", "class", False), ("items", "class", False),
        ("app", "namespace", False), ("things", "interface", True), ("id", "property", False),
        ("label", "property", False), ("app", "namespace", False), ("items", "class", False),
        ("one", "function", True),
        ("app", "namespace", False), ("items", "class", False), ("n", "property", True),
        ("one", "function", False),
    ]
    assert tokens(2) == []


def test_alter_and_drop_function_offer_the_routines_of_that_kind_with_their_argument_types() -> None:
    import migc.kinds
    from migc.compiler import check_file
    from migc.ir.schema import Schema

    migc.kinds.load_all()
    checked = check_file(b"create function f(a int) returns int language sql as $$ select a $$\n"
                         b"create procedure p() language sql as $$ select 1 $$\n", "x.mig", Schema(), False)
    assert checked.schema_after is not None
    for text, wanted, not_wanted in (("alter function ", "f(integer)", "p()"), ("drop procedure ", "p()", "f(integer)")):
        labels = [i.label for i in complete.items_for(complete.context_at(text, len(text)), checked.schema_after)]
        assert wanted in labels and not_wanted not in labels, (text, labels)
