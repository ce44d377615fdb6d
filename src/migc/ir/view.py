"""A view or materialized view in the model (kinds/view.py makes and keeps them; lower/query.py reads
them when a query selects from one).

The query is stored as PostgreSQL stores it: by reference, with `*` expanded to the columns it
meant when the view was made and every column qualified by the relation it comes from, so it means
the same after other tables gain columns, and follows renames of what it uses (ir.schema's
`follow_rename`). A view made from raw SQL (`as sql $$ ... $$`) has no query: the model knows its
name, not its columns or what it uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migc.ir.model import Attrs, Column, HasAttrs, Name, ObjectRef, Table
from migc.ir.schema import Schema
from migc.ir.types import SqlType
from migc.query import Query

# the stores' kinds (schema.store(VIEW)), which are also their refs' kinds (ObjectRef(MATVIEW, name)):
# `comment on materialized view`, dependencies and messages tell the two apart as PostgreSQL does
VIEW = "view"
MATVIEW = "materialized view"
VIEW_KINDS = (VIEW, MATVIEW)


@dataclass(frozen=True, slots=True)
class ViewColumn:
    name: str
    type: SqlType | None  # None: the model cannot tell


@dataclass(frozen=True, slots=True)
class View(HasAttrs):
    name: Name
    query: Query | None  # None: raw SQL (`sql`)
    columns: tuple[ViewColumn, ...] | None  # None: unknown (raw SQL, or `*` of such a view)
    uses: tuple[ObjectRef, ...] = ()  # tables, their columns, views, functions
    materialized: bool = False
    with_data: bool = True  # a materialized view: populated
    column_list: tuple[str, ...] = ()  # `create view v (a, b) as ...`: the names written
    sql: str | None = None  # the raw SQL's text
    attrs: Attrs = ()
    origin: str = field(default="", compare=False)  # file:line:col of the statement that made it

    @property
    def kind(self) -> str:
        """Its store's kind (and its ref's)."""
        return MATVIEW if self.materialized else VIEW

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.kind, self.name)

    @property
    def what(self) -> str:
        return "materialized view" if self.materialized else "view"

    @property
    def indexable(self) -> bool:
        """Indexes can be made on it (a materialized view)."""
        return self.materialized

    def as_table(self) -> Table:
        """Its columns as a table's (what `create index` on a materialized view checks against)."""
        return Table(self.name, tuple(Column(c.name, c.type or SqlType("unknown")) for c in self.columns or ()))


def find_view(schema: Schema, name: Name) -> View | None:
    """The view or materialized view of that name."""
    for kind in VIEW_KINDS:
        found = schema.store(kind).get(name)
        if isinstance(found, View):
            return found
    return None


def view_names(schema: Schema) -> list[Name]:
    return [name for kind in VIEW_KINDS for name in schema.store(kind)]


def all_views(schema: Schema) -> list[View]:
    return [v for kind in VIEW_KINDS for v in schema.store(kind).values() if isinstance(v, View)]


__all__ = ["MATVIEW", "VIEW", "VIEW_KINDS", "View", "ViewColumn", "all_views", "find_view", "view_names"]
