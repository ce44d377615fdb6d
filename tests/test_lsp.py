"""`migc lsp` end to end: a real server process over stdio, driven by pytest-lsp's client, on a
project of several migrations. One server for the module; each test leaves the documents it
changed as they are on disk (didClose), so the order of the tests does not matter.

Synchronisation: the server handles messages in order and publishes diagnostics before it
answers the next request, so after a change a round trip (`barrier`) means every notification the
change caused has arrived. No sleeps."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

PROJECT = {
    "0001_init.mig": """create table users (
  id bigint primary key generated always as identity,
  email text not null,
  nickname text,
  age int default 0
)

create table orgs (id bigint primary key, name text not null)
""",
    "0002_more.mig": """alter table users add column org_id bigint references orgs (id)
-- an index on email
create index on users (email)
""",
    "0003_drop.mig": """alter table users drop column nickname
rename table orgs to teams
""",
    "0004_use.mig": """alter table users add column bio text
create index on users (age)
""",
    "0005_down.mig": """create table notes (id int)
down {
  drop table notes
}
""",
}

ROOT = Path(tempfile.mkdtemp(prefix="migc-lsp-"))
SERVER_CAPABILITIES: list[lsp.ServerCapabilities] = []  # what the server said at initialize


def _write_project() -> Path:
    if ROOT.exists():
        shutil.rmtree(ROOT)
    (ROOT / "migrations").mkdir(parents=True)
    (ROOT / "migc.toml").write_text("")
    for name, text in PROJECT.items():
        (ROOT / "migrations" / name).write_text(text)
    return ROOT


def uri(name: str) -> str:
    return (ROOT / "migrations" / name).as_uri()


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "migc", "lsp"]),
    scope="module",
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    root = _write_project()
    result = await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri()))
    SERVER_CAPABILITIES.append(result.capabilities)
    for name in PROJECT:
        open_doc(lsp_client, name)
    await barrier(lsp_client)
    yield
    await lsp_client.shutdown_session()
    shutil.rmtree(ROOT, ignore_errors=True)


_versions: dict[str, int] = {}


def open_doc(c: LanguageClient, name: str, text: str | None = None) -> None:
    _versions[name] = 1
    c.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=uri(name), language_id="mig", version=1, text=text if text is not None else PROJECT[name])))


def change(c: LanguageClient, name: str, text: str) -> None:
    _versions[name] = _versions.get(name, 1) + 1
    c.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri(name), version=_versions[name]),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))


async def barrier(c: LanguageClient) -> None:
    """A round trip: the server has handled (and published for) everything sent before."""
    await c.text_document_document_symbol_async(lsp.DocumentSymbolParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0001_init.mig"))))


def codes(c: LanguageClient, name: str) -> list[str]:
    return sorted(str(d.code) for d in c.diagnostics.get(uri(name), []))


async def complete(c: LanguageClient, name: str, line: int, character: int) -> list[str]:
    result = await c.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri(name)), position=lsp.Position(line=line, character=character)))
    assert result is not None
    items = result.items if isinstance(result, lsp.CompletionList) else result
    return [i.label for i in items]


pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_diagnostics_match_migc_check_on_open(client: LanguageClient) -> None:
    assert codes(client, "0002_more.mig") == ["W101", "W104"]
    d = next(d for d in client.diagnostics[uri("0002_more.mig")] if d.code == "W101")
    assert d.range.start == lsp.Position(line=2, character=0)
    assert d.severity == lsp.DiagnosticSeverity.Warning and d.source == "migc"


async def test_an_edit_breaks_a_later_file_and_undo_clears_it(client: LanguageClient) -> None:
    assert "E103" not in codes(client, "0004_use.mig")
    change(client, "0001_init.mig", PROJECT["0001_init.mig"].replace("  age int default 0\n", "  years int default 0\n"))
    await barrier(client)
    later = client.diagnostics[uri("0004_use.mig")]
    assert [d.code for d in later if d.severity == lsp.DiagnosticSeverity.Error] == ["E103"]
    e103 = next(d for d in later if d.code == "E103")
    assert (e103.range.start.line, e103.range.start.character) == (1, 23)
    change(client, "0001_init.mig", PROJECT["0001_init.mig"])
    await barrier(client)
    assert "E103" not in codes(client, "0004_use.mig")


async def test_syntax_error_is_reported_and_cleared(client: LanguageClient) -> None:
    change(client, "0004_use.mig", "alter table users add column\n")
    await barrier(client)
    assert codes(client, "0004_use.mig") == ["E001"]
    change(client, "0004_use.mig", PROJECT["0004_use.mig"])
    await barrier(client)
    assert codes(client, "0004_use.mig") == ["W101"]


async def test_completion_of_columns_follows_history(client: LanguageClient) -> None:
    # nickname is dropped in 0003: offered in 0002, not in 0004 (one file half-written at a time:
    # a file that does not parse leaves the files after it unchecked, as in `migc check`)
    change(client, "0002_more.mig", "alter table users drop column \n" + PROJECT["0002_more.mig"])
    at2 = await complete(client, "0002_more.mig", 0, 30)
    change(client, "0002_more.mig", PROJECT["0002_more.mig"])
    change(client, "0004_use.mig", "alter table users drop column \n" + PROJECT["0004_use.mig"])
    at4 = await complete(client, "0004_use.mig", 0, 30)
    change(client, "0004_use.mig", PROJECT["0004_use.mig"])
    await barrier(client)
    assert "nickname" in at2 and "email" in at2
    assert "nickname" not in at4 and "email" in at4 and "org_id" in at4


async def test_completion_of_tables_follows_history(client: LanguageClient) -> None:
    assert {"orgs", "users"} <= set(await complete(client, "0002_more.mig", 0, 12))
    at4 = await complete(client, "0004_use.mig", 0, 12)
    assert "teams" in at4 and "orgs" not in at4


async def test_completion_of_index_columns_types_keywords_and_codes(client: LanguageClient) -> None:
    assert {"email", "age", "org_id"} <= set(await complete(client, "0004_use.mig", 1, 23))
    change(client, "0004_use.mig", "alter table users add column score \n")
    types = await complete(client, "0004_use.mig", 0, 35)
    change(client, "0004_use.mig", "\n\n-- migc: allow \ncreate index on users (bio)\n")
    allow = await complete(client, "0004_use.mig", 2, 15)
    start = await complete(client, "0004_use.mig", 0, 0)
    change(client, "0004_use.mig", PROJECT["0004_use.mig"])
    await barrier(client)
    assert {"bigint", "text", "timestamptz"} <= set(types)
    assert {"W101", "E101"} <= set(allow)
    assert {"create table", "create", "alter"} <= set(start)


async def test_completion_on_a_file_that_does_not_parse(client: LanguageClient) -> None:
    text = "create table t (a int)\nalter table t add column b int\nalter table t drop column \ncreate ((("
    change(client, "0004_use.mig", text)
    got = await complete(client, "0004_use.mig", 2, 26)
    change(client, "0004_use.mig", PROJECT["0004_use.mig"])
    await barrier(client)
    assert {"a", "b"} <= set(got)


async def test_hover_on_a_table_shows_it_as_of_that_line(client: LanguageClient) -> None:
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0002_more.mig")), position=lsp.Position(line=0, character=14)))
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    text = hover.contents.value
    assert "nickname" in text and "email    text not null" in text and "0001_init.mig" in text
    later = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0004_use.mig")), position=lsp.Position(line=0, character=14)))
    assert later is not None and isinstance(later.contents, lsp.MarkupContent)
    assert "nickname" not in later.contents.value and "org_id" in later.contents.value


async def test_hover_on_a_column_and_on_a_code(client: LanguageClient) -> None:
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0002_more.mig")), position=lsp.Position(line=0, character=31)))
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "users.org_id" in hover.contents.value and "bigint" in hover.contents.value
    change(client, "0004_use.mig", "-- migc: allow W101\n" + PROJECT["0004_use.mig"])
    code = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0004_use.mig")), position=lsp.Position(line=0, character=17)))
    change(client, "0004_use.mig", PROJECT["0004_use.mig"])
    await barrier(client)
    assert code is not None and isinstance(code.contents, lsp.MarkupContent) and "W101" in code.contents.value
    assert "concurrently" in code.contents.value


async def test_definition_goes_to_the_creating_statement_and_follows_renames(client: LanguageClient) -> None:
    column = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0004_use.mig")), position=lsp.Position(line=1, character=24)))
    assert isinstance(column, list) and column[0].uri == uri("0001_init.mig") and column[0].range.start.line == 4
    table = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0002_more.mig")), position=lsp.Position(line=0, character=31)))
    assert isinstance(table, list) and table[0].uri == uri("0002_more.mig") and table[0].range.start.line == 0


async def test_references_follow_a_rename(client: LanguageClient) -> None:
    # orgs: created in 0001, referenced in 0002, renamed to teams in 0003
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0001_init.mig")), position=lsp.Position(line=7, character=14),
        context=lsp.ReferenceContext(include_declaration=True)))
    assert refs is not None
    where = sorted((Path(r.uri).name, r.range.start.line) for r in refs)
    assert where == [("0001_init.mig", 7), ("0002_more.mig", 0), ("0003_drop.mig", 1), ("0003_drop.mig", 1)]


async def test_references_include_an_explicit_down(client: LanguageClient) -> None:
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0005_down.mig")), position=lsp.Position(line=0, character=14),
        context=lsp.ReferenceContext(include_declaration=True)))
    assert refs is not None
    where = sorted((Path(r.uri).name, r.range.start.line) for r in refs)
    assert where == [("0005_down.mig", 0), ("0005_down.mig", 2)]


async def test_document_symbols(client: LanguageClient) -> None:
    symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0001_init.mig"))))
    assert symbols is not None
    names = [s.name for s in symbols if isinstance(s, lsp.DocumentSymbol)]
    assert names == ["create table users", "create table orgs"]
    first = symbols[0]
    assert isinstance(first, lsp.DocumentSymbol) and first.children is not None
    assert [c.name for c in first.children] == ["id", "email", "nickname", "age"]


async def test_semantic_tokens_type_names_by_what_they_are_at_that_point(client: LanguageClient) -> None:
    """`orgs` is a table (a class) where 0002 references it; in 0003 `rename table orgs to teams`
    names it too; the columns are properties; the legend comes from initialize."""
    provider = SERVER_CAPABILITIES[0].semantic_tokens_provider
    assert isinstance(provider, lsp.SemanticTokensOptions) and provider.full
    legend = provider.legend
    result = await client.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0002_more.mig"))))
    assert result is not None
    lines = PROJECT["0002_more.mig"].splitlines()
    decoded, line, char = [], 0, 0
    for k in range(0, len(result.data), 5):
        dl, dc, length, kind, mods = result.data[k:k + 5]
        line, char = line + dl, (char + dc if dl == 0 else dc)
        decoded.append((lines[line][char:char + length], legend.token_types[kind],
                        [m for bit, m in enumerate(legend.token_modifiers) if mods >> bit & 1]))
    assert decoded == [
        ("users", "class", []), ("org_id", "property", ["declaration"]), ("orgs", "class", []), ("id", "property", []),
        ("users", "class", []), ("email", "property", []),
    ]


async def test_formatting(client: LanguageClient) -> None:
    edits = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0001_init.mig")),
        options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert edits is not None and len(edits) == 1
    assert edits[0].new_text.startswith("create table users (\n  id       bigint primary key")
    assert "create table orgs (\n  id   bigint primary key,\n  name text not null\n)" in edits[0].new_text


async def test_code_actions_fix_a_typo_and_allow_a_warning(client: LanguageClient) -> None:
    change(client, "0004_use.mig", "alter table usres add column bio text\ncreate index on users (age)\n")
    await barrier(client)
    assert "E101" in codes(client, "0004_use.mig")
    fix = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0004_use.mig")),
        range=lsp.Range(start=lsp.Position(line=0, character=14), end=lsp.Position(line=0, character=14)),
        context=lsp.CodeActionContext(diagnostics=[])))
    allow = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0004_use.mig")),
        range=lsp.Range(start=lsp.Position(line=1, character=3), end=lsp.Position(line=1, character=3)),
        context=lsp.CodeActionContext(diagnostics=[])))
    change(client, "0004_use.mig", PROJECT["0004_use.mig"])
    await barrier(client)
    assert fix is not None and allow is not None
    replace = [a for a in fix if isinstance(a, lsp.CodeAction) and a.title == "Replace with 'users'"]
    assert replace and replace[0].edit is not None and replace[0].edit.changes is not None
    (edit,) = replace[0].edit.changes[uri("0004_use.mig")]
    assert edit.new_text == "users" and edit.range.start == lsp.Position(line=0, character=12)
    allows = [a for a in allow if isinstance(a, lsp.CodeAction) and "W101" in a.title]
    assert allows and allows[0].edit is not None and allows[0].edit.changes is not None
    (insert,) = allows[0].edit.changes[uri("0004_use.mig")]
    assert insert.new_text == "-- migc: allow W101\n" and insert.range.start == lsp.Position(line=1, character=0)


async def test_bad_input_never_kills_the_server(client: LanguageClient, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("loose") / "0001_loose.mig"
    elsewhere.write_text("create table t (a int)\n")
    nowhere = "file:///nonexistent-migc-dir/0001_x.mig"
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=nowhere, language_id="mig", version=1, text="create table (")))
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=elsewhere.as_uri(), language_id="mig", version=1, text="create table t (a int)\n\x00")))
    beyond = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0001_init.mig")), position=lsp.Position(line=500, character=80)))
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=nowhere), position=lsp.Position(line=0, character=3)))
    deep = "create table d (a int check (" + "(" * 3000 + "a > 1" + ")" * 3000 + "))\n"
    change(client, "0004_use.mig", deep)
    await barrier(client)
    deep_codes = codes(client, "0004_use.mig")
    change(client, "0004_use.mig", PROJECT["0004_use.mig"])
    await barrier(client)
    assert beyond is not None and hover is None
    assert client.diagnostics[elsewhere.as_uri()][0].code == "E002"  # the NUL byte, as `migc check` says
    assert deep_codes in ([], ["E001"])  # checked (or refused as too deep), never a crash
    # and it still answers
    assert {"orgs", "users"} <= set(await complete(client, "0002_more.mig", 0, 12))


async def test_hover_and_completion_of_enums_and_types(client: LanguageClient) -> None:
    text = "create enum mood ('ok', 'meh')\ncreate table feelings (m mood, n \n"
    change(client, "0004_use.mig", text)
    types = await complete(client, "0004_use.mig", 1, 33)
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri("0004_use.mig")), position=lsp.Position(line=1, character=26)))
    change(client, "0004_use.mig", PROJECT["0004_use.mig"])
    await barrier(client)
    assert "mood" in types and "bigint" in types
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "**enum** `mood` ('ok', 'meh')" in hover.contents.value
