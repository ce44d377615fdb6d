"""`sql "..." [down "..."]`: SQL the language has no statement for, run as written and opaque to the
model (data changes are raw by design)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migc.ir.op import Irreversible, Lock, Op
from migc.ir.schema import Schema
from migc.lower.context import Lowering
from migc.lower.dispatch import lowers
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import Marker, builder, dollar_body, marker_value, span_of, token, unquote
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class RawSql(Statement):
    up: str
    down: str | None
    span: Span = _span()


def _body(c: list[Any]) -> str:
    tok = token(c, "STRING", "QUOTED_IDENT", "DOLLAR_STRING")
    assert tok is not None
    text: str = tok.value
    if tok.type == "DOLLAR_STRING":
        return dollar_body(text).strip()
    return unquote(text, text[0]).strip()


@builder("sql_down")
def _sql_down(c: list[Any]) -> Marker:
    return Marker("down", _body(c), span_of(c))


@builder("sql_stmt")
def _sql_stmt(c: list[Any]) -> RawSql:
    return RawSql(_body(c), marker_value(c, "down"), span_of(c))


# ------------------------------------------------------------------ ops


@dataclass(frozen=True, slots=True)
class RawSqlOp(Op):
    sql: str
    down: str | None
    span: Span = _span()
    TEMPLATE = "{{ op.sql }}"

    def verbatim_sql(self) -> str | None:
        return self.sql

    def apply(self, schema: Schema) -> Schema:
        return schema.with_opaque_sql()  # opaque to the model

    def invert(self) -> tuple[Op, ...]:
        if self.down is None:
            raise Irreversible("raw sql without a down")
        return (RawSqlOp(self.down, self.sql, self.span),)

    def describe(self) -> str:
        first = self.sql.split("\n", 1)[0]
        return "sql: " + (first[:60] + "..." if len(first) > 60 else first)

    def lock(self) -> Lock | None:
        return None  # unknown: W115 looks for `lock_timeout` in the text instead


# ------------------------------------------------------------------ lowering


@lowers(RawSql)
def _lower(lw: Lowering, stmt: RawSql) -> None:
    lw.emit(RawSqlOp(stmt.up, stmt.down, stmt.span))
