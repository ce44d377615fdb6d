"""How each statement kind's objects are read back from PostgreSQL's catalog, for `verify` and `diff`.

A kind declares a `CatalogSection`: a query over the system catalogs, and how each row becomes an
entry of the snapshot, in PostgreSQL's own words (`format_type`, `pg_get_expr`,
`pg_get_constraintdef`, ...), so two databases built differently but alike compare equal. The
runner (runner/catalog.py) runs every registered section and compares snapshots; this module only
describes them, so a kind's module can say how its objects look without depending on the runner.

`path` says where the entries go: `enums` (top level, one entry per enum) or `tables/*/indexes`
(inside each table's entry). `modeled`: whether the compiled model describes these objects (what
only raw `sql` can make, such as functions today, is read but not expected of the model).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Row = tuple[Any, ...]


@dataclass(frozen=True)
class CatalogSection:
    path: str  # "enums" or "tables/*/indexes"
    member: str  # how one entry is named in a difference: "enum", "index"
    query: str
    entry: Callable[[Row], tuple[tuple[str, ...], object]]  # row -> (keys along the path, value)
    modeled: bool = True

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.path.split("/"))


SECTIONS: list[CatalogSection] = []


def catalog_section(section: CatalogSection) -> CatalogSection:
    if any(s.path == section.path for s in SECTIONS):
        raise RuntimeError(f"two catalog sections at {section.path}")
    SECTIONS.append(section)
    return section


# SQL shared by the sections' queries ------------------------------------------------------------

# a relation/type/function in a user schema
USER_NS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"


def not_extension_member(catalog: str, oid: str) -> str:
    """Not created by an extension (those objects come back with the extension)."""
    return (f"NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '{catalog}'::regclass "
            f"AND dep.objid = {oid} AND dep.deptype = 'e')")


def qualified(schema: str, name: str) -> str:
    """How snapshot keys name an object: schema.name."""
    return f"{schema}.{name}"
