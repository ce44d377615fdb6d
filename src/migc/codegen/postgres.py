"""Ops -> PostgreSQL statements, through each op's Jinja2 template (`Op.TEMPLATE`, or for an action
of ALTER TABLE its `BEFORE` / `ACTION` / `AFTER`). Every template can use the shared macros of
templates/_defs.sql.j2 as `d`; names and literals reach SQL only through the quoting filters.

The actions of one `alter table` statement become one ALTER TABLE: PostgreSQL rewrites (and scans)
the table once for all of them, under one lock, instead of once per action. They are merged while
the result is the same as running them in the order written (see `TableAction`) and none conflicts
with another (one column's type changed twice)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from migc import quoting
from migc.codegen.statement import SqlStatement
from migc.expr import Expr, default_sql, index_element_sql
from migc.ir.model import IndexElement, Name
from migc.ir.op import Op, TableAction
from migc.ir.types import SqlType
from migc.private_cache import private_cache_dir, prune, used
from migc.source import NO_SPAN

NEXT = "\x00"  # what a template writes between two statements (no SQL text can hold a NUL)


def _index_element(el: IndexElement) -> str:
    inner = index_element_sql(el.expr)
    if el.opclass:
        inner += " " + (quoting.qualified(el.opclass_schema, el.opclass) if el.opclass_schema
                        else quoting.ident(el.opclass))
    if el.order:
        inner += f" {el.order.upper()}"
    if el.nulls:
        inner += f" NULLS {el.nulls.upper()}"
    return inner


def _qname(name: Name) -> str:
    return quoting.qualified(name.schema, name.name)


def _sqltype(t: SqlType) -> str:
    return t.sql()


def _expr(e: Expr) -> str:
    return e.sql()


_INLINE: dict[str, str] = {}  # name -> source of the templates ops write inline (see compile_template)


def _inline_source(name: str) -> tuple[str, None, Any] | None:
    source = _INLINE.get(name)
    return None if source is None else (source, None, lambda: True)


def _bytecode_cache() -> Any:
    """Compiled templates kept across processes, as Lark keeps its parse tables: compiling the ~20
    templates a history uses is a fiftieth of a cold `migc check`. Jinja2's own cache, in migc's
    private cache directory (migc.private_cache), keyed by each template's source; a cache that
    cannot be read or written is no cache, never an error."""
    import jinja2

    pruned: list[bool] = []

    class QuietCache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, ValueError, EOFError):
                bucket.reset()
            if bucket.code is not None:
                used(Path(self.directory) / (self.pattern % (bucket.key,)))

        def dump_bytecode(self, bucket: Any) -> None:
            if not pruned:  # a new entry: those long unused go (once a process)
                pruned.append(True)
                prune(Path(self.directory), "templates-*.cache")
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    where = private_cache_dir()
    return QuietCache(str(where), pattern="templates-%s.cache") if where is not None else None


@functools.cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.FunctionLoader(_inline_source),
            jinja2.PackageLoader("migc.codegen", "templates"),
        ]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # SQL, not HTML: quoting is the filters' job
        keep_trailing_newline=False,
        auto_reload=False,  # templates ship with the package: no mtime check per render
        bytecode_cache=_bytecode_cache(),
        cache_size=-1,  # every template stays compiled for the process
    )
    env.filters.update(
        ident=quoting.ident,
        idents=lambda names: ", ".join(quoting.ident(n) for n in names),
        qname=_qname,
        literal=quoting.literal,
        sqltype=_sqltype,
        expr=_expr,
        default_expr=default_sql,
        index_element=_index_element,
    )
    env.globals["NEXT"] = NEXT
    return env


@functools.cache
def compile_template(source: str) -> Any:
    """A template's source, compiled once; `d` is the shared macros wherever the source uses them.
    An inline template is named by its source's hash, so that the bytecode cache knows it again."""
    if "d." in source:
        source = '{% import "_defs.sql.j2" as d %}' + source
    name = "inline/" + hashlib.sha256(source.encode()).hexdigest()[:32]
    _INLINE[name] = source
    return _environment().get_template(name)


def _render(source: str, op: Op) -> str:
    template = compile_template(source)
    # A shared context (its variables passed in, globals included) skips the per-render copy of the
    # environment's globals that Template.render makes: 2.4x faster over a 1000-migration history.
    context = template.new_context({"op": op, "NEXT": NEXT}, shared=True)
    return "".join(template.root_render_func(context))


def _statements(text: str) -> list[str]:
    return [part.strip() for part in text.split(NEXT) if part.strip()]


def _origin(op: Op) -> tuple[int, int] | None:
    """Where the op's statement is in its .mig file (ops made without a span have none)."""
    span = getattr(op, "span", NO_SPAN)
    return None if span is NO_SPAN or span == NO_SPAN else (span.line, span.col)


def render_op(op: Op) -> list[SqlStatement]:
    description = op.describe()
    origin = _origin(op)
    verbatim = op.verbatim_sql()
    if verbatim is not None:  # the user's own SQL goes as written, in one piece
        return [SqlStatement(description, verbatim.strip().rstrip(";").rstrip(), origin)]
    if isinstance(op, TableAction):
        return _render_actions([op])
    return [SqlStatement(description, sql, origin) for sql in _statements(_render(op.TEMPLATE, op))]


def _render_actions(actions: Sequence[TableAction]) -> list[SqlStatement]:
    """One ALTER TABLE for all of `actions` (one table), with their own statements around it."""
    alter = f"ALTER TABLE {_qname(actions[0].table)} " + ", ".join(_render(a.ACTION, a).strip() for a in actions)
    statement = SqlStatement("; ".join(a.describe() for a in actions), alter, _origin(actions[0]))
    if not any(a.around() for a in actions):
        return [statement]
    around = [a for a in actions if a.around()]
    before = [SqlStatement(a.describe(), sql, _origin(a)) for a in around for sql in _statements(_render(a.BEFORE, a))]
    after = [SqlStatement(a.describe(), sql, _origin(a)) for a in around for sql in _statements(_render(a.AFTER, a))]
    return [*before, statement, *after]


def _joins(run: list[TableAction], op: TableAction) -> bool:
    """May `op` join the ALTER TABLE of `run`: the same table, no conflict, and the same effect as
    running them one by one (PostgreSQL runs a later pass later: `op` may overtake only actions
    that share no column or constraint with it)."""
    if op.table != run[-1].table or any(a.merge_conflict(op) for a in run):
        return False
    overtaken = [a for a in run if a.PASS > op.PASS]
    return not overtaken or not op.touches() & frozenset().union(*(a.touches() for a in overtaken))


def render_ops(ops: Iterable[Op], groups: Iterable[int] | None = None) -> tuple[SqlStatement, ...]:
    """The statements of `ops`; consecutive actions on one table from the same statement (`groups`:
    per op, the statement it came from; None: every op its own) share one ALTER TABLE."""
    out: list[SqlStatement] = []
    run: list[TableAction] = []
    run_group: int | None = None
    for op, group in zip(ops, groups if groups is not None else _each()):
        if isinstance(op, TableAction):
            if run and group == run_group and _joins(run, op):
                run.append(op)
                continue
            if run:
                out += _render_actions(run)
            run, run_group = [op], group
            continue
        if run:
            out += _render_actions(run)
            run = []
        out += render_op(op)
    if run:
        out += _render_actions(run)
    return tuple(out)


def _each() -> Iterable[int]:
    n = 0
    while True:
        n -= 1
        yield n
