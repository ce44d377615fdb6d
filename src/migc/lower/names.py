"""PostgreSQL's own names for unnamed constraints, indexes and sequences, so the model knows them.

A port of makeObjectName / ChooseRelationName / ChooseConstraintName / ChooseIndexColumnNames
(src/backend/commands/indexcmds.c, catalog/pg_constraint.c)."""

from __future__ import annotations

from typing import Container, Iterable

from migc.expr import Expr

NAMEDATALEN = 64  # identifiers are at most NAMEDATALEN - 1 = 63 bytes


def _clip(name: str, max_bytes: int) -> str:
    """Cut to at most max_bytes of UTF-8 without splitting a character (pg_mbcliplen)."""
    encoded = name.encode("utf-8")
    if len(encoded) <= max_bytes:
        return name
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def _blen(name: str) -> int:
    return len(name.encode("utf-8"))


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """name1_name2_label, shortening the longer of name1/name2 first until it fits in 63 bytes."""
    overhead = (_blen(label) + 1 if label else 0) + (1 if name2 else 0)
    avail = NAMEDATALEN - 1 - overhead
    n1, n2 = _blen(name1), _blen(name2) if name2 else 0
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    result = _clip(name1, n1)
    if name2:
        result += "_" + _clip(name2, n2)
    if label:
        result += "_" + label
    return result


class Taken:
    """Names already used: large frozen sets from the schema plus the few chosen in this statement,
    without copying the large ones."""

    def __init__(self, *bases: Container[str]) -> None:
        self._bases = bases
        self._extra: set[str] = set()

    def __contains__(self, name: object) -> bool:
        return name in self._extra or any(name in b for b in self._bases)

    def add(self, name: str) -> None:
        self._extra.add(name)


def choose_name(name1: str, name2: str | None, label: str, taken: Container[str]) -> str:
    """The first of name1_name2_label, ..._label1, ..._label2 ... not in `taken`."""
    candidate = make_object_name(name1, name2, label)
    attempt = 0
    while candidate in taken:
        attempt += 1
        candidate = make_object_name(name1, name2, f"{label}{attempt}")
    return candidate


def join_column_names(names: Iterable[str]) -> str:
    """ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition: names joined by '_',
    stopping once the result reaches NAMEDATALEN bytes."""
    buf = ""
    for name in names:
        if buf:
            buf += "_"
        buf += _clip(name, NAMEDATALEN - 1)
        if _blen(buf) >= NAMEDATALEN:
            break
    return buf


def index_column_names(exprs: Iterable[Expr]) -> list[str]:
    """ChooseIndexColumnNames: per-column names made unique within the index (lower, lower1, ...);
    each expression's own name is FigureIndexColname's (`Expr.index_column_name`)."""
    result: list[str] = []
    for expr in exprs:
        origname = expr.index_column_name()
        name = origname
        i = 0
        while name in result:
            i += 1
            suffix = str(i)
            name = _clip(origname, NAMEDATALEN - 1 - len(suffix)) + suffix
        result.append(name)
    return result
