"""Source files and spans: where every AST node and diagnostic points."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple


class Span(NamedTuple):
    """A 1-based, end-inclusive-line / end-exclusive-column region of a file. (A named tuple: the
    parser makes one per node, and tuples are made several times faster than frozen dataclasses.)"""

    line: int
    col: int
    end_line: int
    end_col: int

    @staticmethod
    def point(line: int, col: int) -> Span:
        return Span(line, col, line, col + 1)

    def cover(self, other: Span) -> Span:
        """The smallest span holding both."""
        start = min((self.line, self.col), (other.line, other.col))
        end = max((self.end_line, self.end_col), (other.end_line, other.end_col))
        return Span(start[0], start[1], end[0], end[1])


NO_SPAN = Span(1, 1, 1, 1)


def source_lines(text: str) -> list[str]:
    """Lines as the parser counts them: at \n only (not at form feeds, lone \r or U+2028, which
    str.splitlines also breaks at), without a Windows line end's \r."""
    return [line.removesuffix("\r") for line in text.split("\n")]


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # as shown to the user (relative where possible)
    text: str

    @staticmethod
    def read(path: Path, shown_as: str) -> SourceFile:
        """Read a file as UTF-8; raise UnicodeDecodeError / OSError for the caller to report."""
        return SourceFile(shown_as, path.read_bytes().decode("utf-8"))

    def line_text(self, line: int) -> str:
        lines = source_lines(self.text)
        if 1 <= line <= len(lines):
            return lines[line - 1]
        return ""
