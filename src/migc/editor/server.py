"""`migc lsp`: the language server (pygls over stdio). The only module that imports pygls and
lsprotocol; the answers come from `service.Editor` as plain data and are converted here.

Every handler runs inside `_guarded`: an exception is logged to the client (window/logMessage)
and the request gets an empty answer; the server goes on."""

from __future__ import annotations

import functools
import logging
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from migc import __version__
from migc.editor.positions import LineIndex
from migc.editor.service import TOKEN_MODIFIERS, TOKEN_TYPES, Action, Editor, Location, Range, SemanticToken, Symbol
from migc.editor.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

_COMPLETION_KINDS = {
    "keyword": lsp.CompletionItemKind.Keyword, "snippet": lsp.CompletionItemKind.Snippet,
    "table": lsp.CompletionItemKind.Class, "view": lsp.CompletionItemKind.Interface,
    "column": lsp.CompletionItemKind.Field, "type": lsp.CompletionItemKind.TypeParameter,
    "enum": lsp.CompletionItemKind.Enum, "index": lsp.CompletionItemKind.Reference,
    "constraint": lsp.CompletionItemKind.Property, "code": lsp.CompletionItemKind.Value,
    "object": lsp.CompletionItemKind.Module, "function": lsp.CompletionItemKind.Function,
    "procedure": lsp.CompletionItemKind.Function,
}
_SYMBOL_KINDS = {
    "table": lsp.SymbolKind.Class, "column": lsp.SymbolKind.Field, "index": lsp.SymbolKind.Key,
    "enum": lsp.SymbolKind.Enum, "schema": lsp.SymbolKind.Namespace, "view": lsp.SymbolKind.Interface,
    "function": lsp.SymbolKind.Function, "sql": lsp.SymbolKind.Event, "comment": lsp.SymbolKind.String,
}

log = logging.getLogger("migc.lsp")


class MigcServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("migc", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.projects: dict[Path, Editor] = {}
        self.root_chosen = False

    # ------------------------------------------------------------------ projects

    def editor_for(self, path: Path) -> Editor | None:
        """The project a `.mig` file belongs to, opened on first use."""
        from migc.project import load_config

        folder = path.parent.resolve()
        for directory, editor in self.projects.items():
            if directory == folder:
                return editor
        try:
            config = load_config(cwd=folder)
            if config.migrations_dir.resolve() != folder:
                config = load_config(cwd=folder, dir_override=folder)
        except Exception as err:  # a bad config: say so, serve nothing for this project
            self.log(f"migc: cannot read the project's configuration: {err}")
            return None
        if not self.root_chosen:
            # diagnostics name files as `migc check` run from the project's root does (and the
            # compile cache's keys hold those names): work from there
            root = config.config_file.parent if config.config_file is not None else folder.parent
            try:
                os.chdir(root)
                self.root_chosen = True
            except OSError:
                pass
        overlay = {}
        for uri, doc in list(self.workspace.text_documents.items()):
            p = _path(uri)
            if p is not None and p.parent.resolve() == folder:
                overlay[p.resolve()] = doc.source
        editor = Editor(Workspace.open(config, overlay))
        self.projects[folder] = editor
        # files with errors are shown at once (as `migc check` would fail on them); warnings of
        # a file come when it is opened or an edit changes them
        for i in range(len(editor.ws.files)):
            if any(d.severity.value == "error" for d in editor.ws.diagnostics(i)):
                self.publish(editor, i)
        for shown, diags in editor.ws.orphan_diagnostics().items():  # a file with a bad name...
            target = Path(shown).resolve()
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
                uri=from_fs_path(str(target)) or target.as_uri(),
                diagnostics=[lsp.Diagnostic(range=_range(LineIndex("").span_to_lsp(d.span)),
                                            message=d.message, code=d.code, source="migc",
                                            severity=lsp.DiagnosticSeverity.Error) for d in diags]))
        return editor

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Log) -> None:
        try:
            self.window_log_message(lsp.LogMessageParams(type=kind, message=message))
        except Exception:
            log.error(message)

    def publish(self, editor: Editor, i: int) -> None:
        path = editor.ws.files[i].file.path
        diagnostics = []
        for d, rng in editor.diagnostics(i):
            diagnostics.append(lsp.Diagnostic(
                range=_range(rng), message=d.message, code=d.code, source="migc",
                severity=lsp.DiagnosticSeverity.Error if d.severity.value == "error" else lsp.DiagnosticSeverity.Warning,
                data={"hint": d.hint} if d.hint else None,
            ))
        uri = from_fs_path(str(path)) or path.as_uri()
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    def changed(self, uri: str, text: str | None) -> None:
        path = _path(uri)
        if path is None or path.suffix != ".mig":
            return
        editor = self.editor_for(path)
        if editor is None:
            return
        changed = editor.ws.set_text(path, text)
        i = editor.ws.index_of(path)
        if i is not None and text is not None:
            editor.warm(i)
        if i is not None and i not in changed:
            changed = [i, *changed]
        for k in sorted(set(changed)):
            if k < len(editor.ws.files):
                self.publish(editor, k)


def _path(uri: str) -> Path | None:
    fs = to_fs_path(uri)
    return Path(fs) if fs else None


def _range(r: Range) -> lsp.Range:
    (a, b), (c, d) = r
    return lsp.Range(start=lsp.Position(line=a, character=b), end=lsp.Position(line=c, character=d))


def _location(loc: Location) -> lsp.Location:
    return lsp.Location(uri=from_fs_path(str(loc.path)) or loc.path.as_uri(), range=_range(loc.range))


def _symbol(s: Symbol) -> lsp.DocumentSymbol:
    return lsp.DocumentSymbol(
        name=s.name, kind=_SYMBOL_KINDS.get(s.kind, lsp.SymbolKind.Object), range=_range(s.range),
        selection_range=_range(s.selection), children=[_symbol(c) for c in s.children] or None,
    )


def _action(a: Action) -> lsp.CodeAction:
    uri = from_fs_path(str(a.path)) or a.path.as_uri()
    edits = [lsp.TextEdit(range=_range(e.range), new_text=e.text) for e in a.edits]
    diagnostics = None
    if a.diagnostic is not None:
        diagnostics = [lsp.Diagnostic(range=_range(a.edits[0].range), message=a.diagnostic.message,
                                      code=a.diagnostic.code, source="migc")]
    return lsp.CodeAction(title=a.title, kind=lsp.CodeActionKind.QuickFix, is_preferred=a.preferred or None,
                          diagnostics=diagnostics, edit=lsp.WorkspaceEdit(changes={uri: edits}))


def build_server() -> MigcServer:
    server = MigcServer()

    def guarded(default: Any) -> Callable[[F], F]:
        def wrap(fn: F) -> F:
            @functools.wraps(fn)
            def run(*args: Any) -> Any:
                try:
                    return fn(*args)
                except Exception:
                    server.log(f"migc: internal error in {fn.__name__}:\n{traceback.format_exc()}", lsp.MessageType.Error)
                    return default
            return run  # type: ignore[return-value]
        return wrap

    def editor_and_path(uri: str) -> tuple[Editor, Path] | None:
        path = _path(uri)
        if path is None:
            return None
        editor = server.editor_for(path)
        if editor is None:
            return None
        return editor, path

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @guarded(None)
    def did_open(params: lsp.DidOpenTextDocumentParams) -> None:
        server.changed(params.text_document.uri, params.text_document.text)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(None)
    def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
        doc = server.workspace.get_text_document(params.text_document.uri)
        server.changed(params.text_document.uri, doc.source)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @guarded(None)
    def did_save(params: lsp.DidSaveTextDocumentParams) -> None:
        doc = server.workspace.get_text_document(params.text_document.uri)
        server.changed(params.text_document.uri, params.text if params.text is not None else doc.source)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(None)
    def did_close(params: lsp.DidCloseTextDocumentParams) -> None:
        server.changed(params.text_document.uri, None)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded(None)
    def watched(params: lsp.DidChangeWatchedFilesParams) -> None:
        for editor in server.projects.values():
            for k in editor.ws.reload():
                server.publish(editor, k)

    @server.feature(lsp.SHUTDOWN)
    @guarded(None)
    def shutdown(params: None) -> None:
        # leave the compile cache warm for the next open (and for `migc check`)
        for editor in server.projects.values():
            editor.ws.save_cache()

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION,
                    lsp.CompletionOptions(trigger_characters=[" ", ".", "(", ","]))
    @guarded(None)
    def completion(params: lsp.CompletionParams) -> lsp.CompletionList | None:
        found = editor_and_path(params.text_document.uri)
        if found is None:
            return None
        editor, path = found
        items = editor.complete(path, params.position.line, params.position.character)
        return lsp.CompletionList(is_incomplete=False, items=[
            lsp.CompletionItem(
                label=it.label, kind=_COMPLETION_KINDS.get(it.kind, lsp.CompletionItemKind.Text), detail=it.detail or None,
                insert_text=it.insert, sort_text=f"{n:04d}",
                insert_text_format=lsp.InsertTextFormat.Snippet if it.snippet else None,
            ) for n, it in enumerate(items)
        ])

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @guarded(None)
    def hover(params: lsp.HoverParams) -> lsp.Hover | None:
        found = editor_and_path(params.text_document.uri)
        if found is None:
            return None
        editor, path = found
        result = editor.hover(path, params.position.line, params.position.character)
        if result is None:
            return None
        text, rng = result
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text), range=_range(rng))

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @guarded(None)
    def definition(params: lsp.DefinitionParams) -> list[lsp.Location] | None:
        found = editor_and_path(params.text_document.uri)
        if found is None:
            return None
        editor, path = found
        return [_location(loc) for loc in editor.definition(path, params.position.line, params.position.character)] or None

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @guarded(None)
    def references(params: lsp.ReferenceParams) -> list[lsp.Location] | None:
        found = editor_and_path(params.text_document.uri)
        if found is None:
            return None
        editor, path = found
        return [_location(loc) for loc in editor.references(
            path, params.position.line, params.position.character, params.context.include_declaration)] or None

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(None)
    def symbols(params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol] | None:
        found = editor_and_path(params.text_document.uri)
        if found is None:
            return None
        editor, path = found
        return [_symbol(s) for s in editor.symbols(path)]

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
                    lsp.SemanticTokensLegend(token_types=list(TOKEN_TYPES), token_modifiers=list(TOKEN_MODIFIERS)))
    @guarded(None)
    def semantic_tokens(params: lsp.SemanticTokensParams) -> lsp.SemanticTokens | None:
        found = editor_and_path(params.text_document.uri)
        if found is None:
            return None
        editor, path = found
        return lsp.SemanticTokens(data=_encode_tokens(editor.semantic_tokens(path)))

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    @guarded(None)
    def formatting(params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
        from migc.editor.fmt import FormatError, format_text

        doc = server.workspace.get_text_document(params.text_document.uri)
        text = doc.source
        try:
            formatted = format_text(text.removeprefix("\ufeff"))
        except FormatError as err:
            server.log(f"migc fmt: {doc.path}:{err.line}:{err.col}: {err.message} (not formatted)", lsp.MessageType.Warning)
            return []
        if formatted == text:
            return []
        raw = text.split("\n")
        end_line, end_char = LineIndex(text).to_lsp(len(raw), len(raw[-1]) + 1)
        end = lsp.Position(line=end_line, character=end_char)
        return [lsp.TextEdit(range=lsp.Range(start=lsp.Position(line=0, character=0), end=end), new_text=formatted)]

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    @guarded(None)
    def code_action(params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        found = editor_and_path(params.text_document.uri)
        if found is None:
            return None
        editor, path = found
        r = params.range
        actions = editor.code_actions(path, ((r.start.line, r.start.character), (r.end.line, r.end.character)))
        return [_action(a) for a in actions]

    return server


def _encode_tokens(tokens: list[SemanticToken]) -> list[int]:
    """LSP's relative encoding: per token, the line delta, the start (relative to the previous
    token's on the same line), the length, the type's index in the legend, the modifiers' bits."""
    data: list[int] = []
    line = character = 0
    for t in tokens:
        data += [t.line - line, t.character - character if t.line == line else t.character, t.length,
                 TOKEN_TYPES.index(t.type), 1 if t.declaration else 0]
        line, character = t.line, t.character
    return data


def main() -> None:
    build_server().start_io()
