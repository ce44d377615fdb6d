"""Diagnostics: stable codes, spans, and the text and JSON renderers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from migc.codes import registered
from migc.source import Span, source_lines


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    file: str
    span: Span
    hint: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.span.line, self.span.col, self.code)

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.span.line,
            "col": self.span.col,
            "end_line": self.span.end_line,
            "end_col": self.span.end_col,
            "hint": self.hint,
        }


@dataclass
class DiagnosticBag:
    """Collects problems for one file; never raises."""

    file: str
    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, span: Span, message: str, hint: str | None = None) -> None:
        if not registered(code, "error"):
            raise ValueError(f"{code} is not a registered error code (migc/codes.py)")
        self.items.append(Diagnostic(code, Severity.ERROR, message, self.file, span, hint))

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def warning(self, code: str, span: Span, message: str, hint: str | None = None) -> None:
        """A warning that lowering itself reports (what the model cannot check); lints report the rest."""
        if not registered(code, "warning"):
            raise ValueError(f"{code} is not a registered warning code (migc/codes.py)")
        self.items.append(Diagnostic(code, Severity.WARNING, message, self.file, span, hint))

    def mark(self) -> int:
        """A point to ask `errors_since` about."""
        return len(self.items)

    def errors_since(self, mark: int) -> bool:
        """Was an error (not a warning) reported since `mark`?"""
        return any(d.severity is Severity.ERROR for d in self.items[mark:])


def has_errors(diags: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diags)


def render_text(diag: Diagnostic, source_line: str | None) -> str:
    """`path:line:col: error[CODE]: message`, the source line, a caret, and the hint."""
    out = [f"{diag.file}:{diag.span.line}:{diag.span.col}: {diag.severity.value}[{diag.code}]: {diag.message}"]
    if source_line is not None and source_line.strip():
        # one character for one, so the caret stays under its column: tabs and control characters
        # (a stray \r, a form feed) are shown as spaces
        shown = source_line if source_line.isprintable() else \
            "".join(" " if ch == "\t" or not ch.isprintable() else ch for ch in source_line)
        out.append(f"  {shown}")
        if diag.span.end_line == diag.span.line:
            width = max(1, diag.span.end_col - diag.span.col)
        else:  # a span over several lines: underline the rest of its first line
            width = max(1, len(shown.rstrip()) - diag.span.col + 1)
        width = min(width, max(1, len(shown) - diag.span.col + 1))
        out.append("  " + " " * (diag.span.col - 1) + "^" * width)
    if diag.hint:
        out.append(f"  hint: {diag.hint}")
    return "\n".join(out)


def render_all(diags: Iterable[Diagnostic], contents: Mapping[str, bytes]) -> Iterator[str]:
    """Each diagnostic rendered with its source line. `contents`: the files' bytes where the caller
    already has them (a compile does); any other file is read once from disk."""
    lines: dict[str, list[str]] = {}
    for d in diags:
        if d.file not in lines:
            try:
                data = contents[d.file] if d.file in contents else _read_regular(Path(d.file))
                lines[d.file] = source_lines(data.decode("utf-8", errors="replace").removeprefix("\ufeff"))
            except OSError:
                lines[d.file] = []
        source = lines[d.file]
        yield render_text(d, source[d.span.line - 1] if 0 < d.span.line <= len(source) else None)


def _read_regular(path: Path) -> bytes:
    """A regular file's bytes, b"" for anything else (opening a named pipe would wait forever)."""
    return path.read_bytes() if path.is_file() else b""


def render_json(diags: Iterable[Diagnostic]) -> str:
    return json.dumps([d.to_json() for d in diags], indent=2)
