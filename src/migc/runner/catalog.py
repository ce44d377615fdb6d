"""A catalog snapshot of a live database, to compare two databases or one database at two times.

`snapshot(url)` reads the user schemas (never pg_catalog, information_schema or the tracking
table) into plain dicts and lists that compare with `==`: every statement kind's catalog section
(ir/catalog.py; each kind declares its own in its module), run one query each. Column order is not
compared: a column dropped and re-added comes back last, and that is still the same table.

`describe_differences(a, b)` tells what differs, one readable line per difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from migc.compiled import DownNote
from migc.ir.catalog import SECTIONS, CatalogSection
from migc.runner.session import Session, connect
from migc.runner.urls import DatabaseTarget

Catalog = dict[str, dict[str, Any]]

DEFAULT_TRACKING = ("public", "migc_migrations")


def _sections() -> list[CatalogSection]:
    """Every statement kind's section, the top-level ones (which make the entries) first."""
    import migc.kinds

    migc.kinds.load_all()  # every kind's catalog sections, those loaded on demand too

    return sorted(SECTIONS, key=lambda s: len(s.parts))


def snapshot(url: str, *, tracking: tuple[str, str] = DEFAULT_TRACKING) -> Catalog:
    """The catalog of the database at `url` (errors become MigcError)."""
    with connect(DatabaseTarget(url, "catalog snapshot")) as session:
        return snapshot_session(session, tracking=tracking)


def snapshot_session(session: Session, *, tracking: tuple[str, str] = DEFAULT_TRACKING) -> Catalog:
    sections = _sections()
    catalog: Catalog = {}
    for section in sections:
        rows = session.rows(section.query)
        parts = section.parts
        if len(parts) == 1:
            top = catalog.setdefault(parts[0], {})
            for row in rows:
                keys, value = section.entry(row)
                top[keys[0]] = value
            for nested in sections:  # each entry holds (empty) collections for what goes inside it
                if nested.parts[0] == parts[0] and len(nested.parts) == 3:
                    for entry in top.values():
                        entry[nested.parts[2]] = {}
            continue
        parent, _, child = parts
        owners = catalog.get(parent, {})
        for row in rows:
            (owner, key), value = section.entry(row)
            if owner in owners:  # only inside an entry its section found (a table, not a view)
                owners[owner][child][key] = value
    catalog.get("tables", {}).pop(f"{tracking[0]}.{tracking[1]}", None)
    if tracking[0] != "public":
        catalog.get("schemas", {}).pop(tracking[0], None)
    return catalog


def modeled_only(catalog: Catalog) -> Catalog:
    """The parts of a catalog that the compiled schema describes (what raw `sql` alone can make,
    such as views, functions and triggers, is left out)."""
    unmodeled = [s.parts for s in _sections() if not s.modeled]
    kept: Catalog = {k: dict(v) for k, v in catalog.items() if (k,) not in unmodeled}
    for parts in unmodeled:
        if len(parts) == 3 and parts[0] in kept:
            kept[parts[0]] = {name: {k: v for k, v in entry.items() if k != parts[2]}
                              for name, entry in kept[parts[0]].items()}
    return kept


def relaxed_by_down(catalog: Catalog, notes: Iterable[DownNote]) -> Catalog:
    """The catalog as a derived down leaves it: a dropped `not null` column comes back nullable
    (its values are gone), exactly where the migration's notes say so."""
    relaxed = [(n.table, n.column) for n in notes if n.kind == "nullable"]
    if not relaxed:
        return catalog
    tables = dict(catalog.get("tables", {}))
    for table, column in relaxed:
        entry = tables.get(table)
        if entry is not None and column in entry.get("columns", {}):
            columns = dict(entry["columns"])
            columns[column] = {**columns[column], "not_null": False}
            tables[table] = {**entry, "columns": columns}
    return {**catalog, "tables": tables}


def ignoring_validation(catalog: Catalog) -> Catalog:
    """The catalog with `NOT VALID` dropped from constraints: `validate constraint` has no down
    (by contract its down does nothing), so a down check must not count the validation."""
    tables = {
        name: {**table, "constraints": {k: v.removesuffix(" NOT VALID") for k, v in table["constraints"].items()}}
        for name, table in catalog["tables"].items()
    }
    return {**catalog, "tables": tables}


def describe_differences(a: Catalog, b: Catalog, a_name: str = "before", b_name: str = "after") -> list[str]:
    """One line per difference, e.g. `table public.users: column email: type: text in before, ...`."""
    members = {s.parts[-1]: s.member for s in _sections()}  # collection key -> how a member is named
    return list(_differences([], a, b, None, (a_name, b_name), members))


def _differences(
    path: list[str], a: object, b: object, collection: str | None, names: tuple[str, str], members: dict[str, str]
) -> Iterator[str]:
    where = ": ".join(path)
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if collection is not None:
                label, child_collection = f"{members[collection]} {key}", None
            elif key in members:  # a collection such as `tables` or `columns`: its members name themselves
                label, child_collection = "", key
            else:
                label, child_collection = str(key), None
            if key not in b:
                yield f"{': '.join([*path, label])}: only in {names[0]}{_brief(a[key])}"
            elif key not in a:
                yield f"{': '.join([*path, label])}: only in {names[1]}{_brief(b[key])}"
            else:
                yield from _differences([*path, label] if label else path, a[key], b[key], child_collection, names,
                                        members)
    elif a != b:
        yield f"{where}: {_show(a)} in {names[0]}, {_show(b)} in {names[1]}"


def _brief(value: object) -> str:
    return f" ({value})" if isinstance(value, str) else ""


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return repr(value) if len(value) < 200 else repr(value[:200] + "...")
    return str(value)
