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
from migc.ir.types import SqlType
from migc.query import Query

VIEW = "view"  # the store's kind (schema.store(VIEW)); a materialized view is a view with `materialized`


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
    def ref(self) -> ObjectRef:
        return ObjectRef(VIEW, self.name)

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


__all__ = ["VIEW", "View", "ViewColumn"]
