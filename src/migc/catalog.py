"""A catalog snapshot of a live database, to compare two databases or one database at two times.

`snapshot(url)` reads the user schemas (never pg_catalog, information_schema or the tracking
table) into plain dicts and lists that compare with `==`, in PostgreSQL's own words
(`format_type`, `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`, ...), so two databases
built differently but alike compare equal. Column order is not compared: a column dropped and
re-added comes back last, and that is still the same table. NOT NULL constraints (PostgreSQL 18
names them) are compared through the columns' nullability only.

`describe_differences(a, b)` tells what differs, one readable line per difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from migc.runner.session import Session, connect
from migc.runner.urls import DatabaseTarget

Catalog = dict[str, dict[str, Any]]

DEFAULT_TRACKING = ("public", "migc_migrations")

# a relation/type/function in a user schema that no extension owns
_USER_NS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"


def _not_extension_member(catalog: str, oid: str) -> str:
    return (f"NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '{catalog}'::regclass "
            f"AND dep.objid = {oid} AND dep.deptype = 'e')")


_QUERIES = {
    "schemas": f"SELECT n.nspname FROM pg_namespace n WHERE {_USER_NS} AND "
               + _not_extension_member("pg_namespace", "n.oid"),
    "extensions": "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'",
    "tables": f"""SELECT n.nspname, c.relname, c.relkind = 'p' FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND {_USER_NS} AND {_not_extension_member('pg_class', 'c.oid')}""",
    "columns": f"""SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
            pg_get_expr(ad.adbin, ad.adrelid), a.attidentity::text, a.attgenerated::text,
            CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND {_USER_NS}""",
    "constraints": f"""SELECT n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid, true)
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE con.contype <> 'n' AND c.relkind IN ('r', 'p') AND {_USER_NS}""",
    "indexes": f"""SELECT n.nspname, c.relname, i.relname,
            pg_get_indexdef(x.indexrelid) || CASE WHEN x.indisvalid THEN '' ELSE ' -- INVALID' END
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm') AND {_USER_NS}""",
    "triggers": f"""SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid, true)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND {_USER_NS}""",
    "views": f"""SELECT n.nspname, c.relname, c.relkind = 'm', pg_get_viewdef(c.oid, true)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('v', 'm') AND {_USER_NS} AND {_not_extension_member('pg_class', 'c.oid')}""",
    "enums": f"""SELECT n.nspname, t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE {_USER_NS} AND {_not_extension_member('pg_type', 't.oid')} GROUP BY n.nspname, t.typname""",
    "sequences": f"""SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
            s.seqmin, s.seqmax, s.seqcycle,
            (SELECT tn.nspname || '.' || tc.relname || '.' || ta.attname FROM pg_depend d
               JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
               JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')
               AND d.refobjsubid > 0 LIMIT 1)
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {_USER_NS} AND {_not_extension_member('pg_class', 'c.oid')}""",
    "functions": f"""SELECT n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
            pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prokind IN ('f', 'p') AND {_USER_NS} AND {_not_extension_member('pg_proc', 'p.oid')}""",
}


def snapshot(url: str, *, tracking: tuple[str, str] = DEFAULT_TRACKING) -> Catalog:
    """The catalog of the database at `url` (errors become MigcError)."""
    with connect(DatabaseTarget(url, "catalog snapshot")) as session:
        return snapshot_session(session, tracking=tracking)


def snapshot_session(session: Session, *, tracking: tuple[str, str] = DEFAULT_TRACKING) -> Catalog:
    found = {name: session.rows(sql) for name, sql in _QUERIES.items()}
    tracking_key = f"{tracking[0]}.{tracking[1]}"
    catalog: Catalog = {
        "schemas": {s: {} for (s,) in found["schemas"] if s != tracking[0] or s == "public"},
        "extensions": {e: {} for (e,) in found["extensions"]},
        "tables": {},
        "views": {f"{s}.{v}": {"materialized": m, "definition": d} for s, v, m, d in found["views"]},
        "enums": {f"{s}.{t}": {"labels": list(labels)} for s, t, labels in found["enums"]},
        "sequences": {
            f"{s}.{q}": {"type": ty, "start": st, "increment": inc, "min": lo, "max": hi, "cycle": cy, "owned_by": own}
            for s, q, ty, st, inc, lo, hi, cy, own in found["sequences"]
        },
        "functions": {f"{s}.{f}": {"definition": d} for s, f, d in found["functions"]},
    }
    tables: dict[str, Any] = catalog["tables"]
    for schema, table, partitioned in found["tables"]:
        key = f"{schema}.{table}"
        if key != tracking_key:
            tables[key] = {"partitioned": partitioned, "columns": {}, "constraints": {}, "indexes": {}, "triggers": {}}
    for schema, table, column, type_, not_null, default, identity, generated, collation in found["columns"]:
        if f"{schema}.{table}" in tables:
            tables[f"{schema}.{table}"]["columns"][column] = {
                "type": type_, "not_null": not_null, "default": default,
                "identity": identity or None, "generated": generated or None, "collation": collation,
            }
    for part in ("constraints", "indexes", "triggers"):
        for schema, table, name, definition in found[part]:
            if f"{schema}.{table}" in tables:
                tables[f"{schema}.{table}"][part][name] = definition
    return catalog


# what the compiler models (raw `sql` may add views, functions, triggers, which `migc schema` lacks)
MODELED_SECTIONS = ("schemas", "enums", "tables", "sequences")


def modeled_only(catalog: Catalog) -> Catalog:
    """The parts of a catalog that the compiled schema describes: no views, functions, triggers."""
    kept: Catalog = {section: dict(catalog[section]) for section in MODELED_SECTIONS}
    kept["tables"] = {name: {k: v for k, v in table.items() if k != "triggers"} for name, table in kept["tables"].items()}
    return kept


def ignoring_validation(catalog: Catalog) -> Catalog:
    """The catalog with `NOT VALID` dropped from constraints: `validate constraint` has no down
    (by contract its down does nothing), so a down check must not count the validation."""
    tables = {
        name: {**table, "constraints": {k: v.removesuffix(" NOT VALID") for k, v in table["constraints"].items()}}
        for name, table in catalog["tables"].items()
    }
    return {**catalog, "tables": tables}


# collection key -> how one of its members is named in a difference
_MEMBER = {
    "schemas": "schema", "extensions": "extension", "tables": "table", "views": "view", "enums": "enum",
    "sequences": "sequence", "functions": "function", "columns": "column", "constraints": "constraint",
    "indexes": "index", "triggers": "trigger",
}


def describe_differences(a: Catalog, b: Catalog, a_name: str = "before", b_name: str = "after") -> list[str]:
    """One line per difference, e.g. `table public.users: column email: type: text in before, ...`."""
    return list(_differences([], a, b, None, (a_name, b_name)))


def _differences(path: list[str], a: object, b: object, collection: str | None, names: tuple[str, str]) -> Iterator[str]:
    where = ": ".join(path)
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if collection is not None:
                label, child_collection = f"{_MEMBER[collection]} {key}", None
            elif key in _MEMBER:  # a collection such as `tables` or `columns`: its members name themselves
                label, child_collection = "", key
            else:
                label, child_collection = str(key), None
            if key not in b:
                yield f"{': '.join([*path, label])}: only in {names[0]}{_brief(a[key])}"
            elif key not in a:
                yield f"{': '.join([*path, label])}: only in {names[1]}{_brief(b[key])}"
            else:
                yield from _differences([*path, label] if label else path, a[key], b[key], child_collection, names)
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
