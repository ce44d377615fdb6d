"""Positions: migc's spans are 1-based lines and columns counted in code points (as Lark counts);
LSP's are 0-based lines and columns counted in UTF-16 code units. Every conversion goes through here."""

from __future__ import annotations

from migc.source import Span, source_lines


def _utf16_len(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


class LineIndex:
    """The lines of one text, for converting positions."""

    def __init__(self, text: str) -> None:
        self.lines = source_lines(text)
        self.raw = text.split("\n")
        self._starts: list[int] | None = None  # each raw line's offset, once asked for

    def line(self, line0: int) -> str:
        return self.lines[line0] if 0 <= line0 < len(self.lines) else ""

    def to_lsp(self, line: int, col: int) -> tuple[int, int]:
        """A 1-based (line, code-point column) -> 0-based (line, UTF-16 character)."""
        line0 = max(0, line - 1)
        text = self.line(line0)
        return line0, _utf16_len(text[: max(0, col - 1)])

    def span_to_lsp(self, span: Span) -> tuple[tuple[int, int], tuple[int, int]]:
        return self.to_lsp(span.line, span.col), self.to_lsp(span.end_line, span.end_col)

    def from_lsp(self, line0: int, character: int) -> tuple[int, int]:
        """A 0-based (line, UTF-16 character) -> 1-based (line, code-point column)."""
        text = self.line(line0)
        units = 0
        for i, ch in enumerate(text):
            if units >= character:
                return line0 + 1, i + 1
            units += 2 if ord(ch) > 0xFFFF else 1
        return line0 + 1, len(text) + 1

    def offset(self, line: int, col: int) -> int:
        """A 1-based (line, column) -> index into the text (lines end at \\n; a \\r stays with its line)."""
        if self._starts is None:
            self._starts = [0]
            for r in self.raw:
                self._starts.append(self._starts[-1] + len(r) + 1)
        total = self._starts[max(0, min(line - 1, len(self.raw)))]
        raw = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return total + min(col - 1, len(raw))
