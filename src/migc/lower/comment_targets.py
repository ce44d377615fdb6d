"""What `comment on WORD ...` can name: one registration per kind of object.

`comment on` is one statement kind (kinds/comment.py) whose target is any object the model knows.
Each kind of object says, in its own module, how `comment on <word> ...` finds one of its objects
and how PostgreSQL's `COMMENT ON` names it back:

    @comment_target("view")                       # the word(s) after `comment on`
    def _find(lw: Lowering, subject: CommentSubject) -> Found | None:
        view = ...                                # look it up, report an error (file:line:col) if absent
        return (view, view.ref) if view is not None else None

    @comment_sql("view")                          # the ObjectRef kind of what the finder returns
    def _sql(ref: ObjectRef) -> str:
        return f"VIEW {qname(ref.name)}"          # what follows COMMENT ON

The grammar names the words (`comment_word` in grammar/migc.lark: add yours there) and reads the
target as `NAME`, `NAME(argtypes)` (functions, procedures), `column TABLE.COLUMN`, or `NAME on
TABLE` (triggers, constraints, policies). The object found must be `HasAttrs` and `Schema.with_attr`
must reach it through its ref (stored kinds do, through `ObjectKind.key_of`); its comment then
follows renames, goes with a drop and comes back with the object in a derived down, like any
attribute. The catalog side needs nothing: kinds/comment.py reads every comment PostgreSQL has on
a user object through `pg_identify_object`. tests/test_completeness.py checks that every word of
the grammar has a finder and every finder's ref kind an SQL designator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from migc.expr import Ident, QName, TypeRef
from migc.ir.model import HasAttrs, ObjectRef
from migc.lower.context import Lowering
from migc.source import Span

Found = tuple[HasAttrs, ObjectRef]


@dataclass(frozen=True, slots=True)
class CommentSubject:
    """The target of a `comment on` as written."""

    word: str  # "table", "materialized view", "function", ...
    name: QName  # the object; for a column, its table
    member: Ident | None  # a column's name
    args: tuple[TypeRef, ...] | None  # `f(int, text)`: the argument types; None when not written
    table: QName | None  # `trigger t on TABLE`: the table
    span: Span


Finder = Callable[[Lowering, CommentSubject], "Found | None"]

FINDERS: dict[str, Finder] = {}
SQL: dict[str, Callable[[ObjectRef], str]] = {}


def comment_target(word: str) -> Callable[[Finder], Finder]:
    """Register how `comment on <word> ...` finds its object (None: not found, error reported)."""
    def register(fn: Finder) -> Finder:
        if word in FINDERS:
            raise RuntimeError(f"two finders for `comment on {word}`")
        FINDERS[word] = fn
        return fn

    return register


def comment_sql(ref_kind: str) -> Callable[[Callable[[ObjectRef], str]], Callable[[ObjectRef], str]]:
    """Register what follows `COMMENT ON` for an object of this ObjectRef kind."""
    def register(fn: Callable[[ObjectRef], str]) -> Callable[[ObjectRef], str]:
        SQL[ref_kind] = fn
        return fn

    return register


def designator(ref: ObjectRef) -> str:
    return SQL[ref.kind](ref)


# stored kinds (ObjectKind names) whose objects `comment on type NAME` names besides enums, keyed by
# name: a composite type, a domain (PostgreSQL's COMMENT ON TYPE takes both)
TYPE_KINDS: list[str] = []
