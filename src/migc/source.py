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


class BadSource(Exception):
    """A file migc cannot take as source text: not UTF-8, or holding a NUL byte."""

    def __init__(self, message: str, line: int, col: int, hint: str) -> None:
        super().__init__(message)
        self.message, self.line, self.col, self.hint = message, line, col, hint


def decode_source(data: bytes) -> str:
    """A .mig file's text: UTF-8, a leading byte-order mark dropped (editors on Windows write one,
    and Flyway accepts it too). A NUL byte is refused: PostgreSQL can store it in no name, string or
    statement, so nothing after it could reach the database as written."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise BadSource(f"file is not valid UTF-8 (byte {err.start})", line, 1, "save the file as UTF-8") from None
    text = text.removeprefix("\ufeff")
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise BadSource("file holds a NUL character, which PostgreSQL cannot store in any name, string or "
                        "statement", line, col, "remove it (a stray byte from a binary paste or an editor)")
    return text


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
        """Read a file as UTF-8; raise BadSource / OSError for the caller to report."""
        return SourceFile(shown_as, decode_source(path.read_bytes()))

    def line_text(self, line: int) -> str:
        lines = source_lines(self.text)
        if 1 <= line <= len(lines):
            return lines[line - 1]
        return ""
