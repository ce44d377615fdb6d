"""Generated rows for `migc verify --with-data`: a few rows in every empty table, so that each
round trip runs on tables with rows, as a migration meets them in production.

The values follow each column's type (through domains; enum labels; `varchar(n)` lengths), keys
get distinct values, foreign keys take the key of a row of the table they reference (tables are
seeded in dependency order), and identity, serial and generated columns are left to their
defaults. A check the first values do not satisfy gets other choices: the literals written in the
table's checks, the columns' defaults, nulls. A table none of that fills is skipped with a note.
Everything is a function of the row's number and the choice's number, so a run is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from migc.runner.session import Session, SqlFailure
from migc.runner.tracking import quote_ident, quote_literal

ROWS = 3  # per table
# value choices tried per row: 0 generated; 1-3 the literals of the checks naming the column (and
# their neighbours, for `x > 100`), in turn; 4 the columns' defaults; 5 nulls where allowed
VARIANTS = 6

_TABLES = """
SELECT c.oid, n.nspname::text, c.relname::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY 2, 3
"""
_COLUMNS = """
SELECT a.attrelid, a.attname::text, a.attnotnull, a.attidentity <> '' OR a.attgenerated <> '',
       coalesce(pg_get_expr(d.adbin, d.adrelid), ''), format_type(a.atttypid, a.atttypmod),
       coalesce(b.typname, t.typname)::text, coalesce(b.typtype, t.typtype)::text,
       coalesce(b.typcategory, t.typcategory)::text, coalesce(b.oid, t.oid),
       CASE WHEN b.oid IS NOT NULL THEN t.typtypmod ELSE a.atttypmod END
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY(%s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""
_CONSTRAINTS = """
SELECT conrelid, contype::text, confrelid,
       ARRAY(SELECT attname::text FROM unnest(conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute ON attrelid = conrelid AND attnum = k.n ORDER BY k.i),
       ARRAY(SELECT attname::text FROM unnest(confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute ON attrelid = confrelid AND attnum = k.n ORDER BY k.i),
       pg_get_constraintdef(oid)
FROM pg_constraint WHERE conrelid = ANY(%s::oid[]) AND contype IN ('f', 'c')
"""
_STRING_LITERAL = re.compile(r"'((?:[^']|'')*)'")
_NUMBER_LITERAL = re.compile(r"(?<![\w.'])-?\d+(?:\.\d+)?(?![\w.'])")


@dataclass
class _Column:
    name: str
    not_null: bool
    automatic: bool  # identity or generated: left to the database
    default: str
    sql_type: str  # format_type
    base: str  # the base type's name (through a domain)
    kind: str  # typtype: b, e, ...
    category: str  # typcategory
    type_oid: int
    typmod: int


@dataclass
class _Table:
    oid: int
    name: str  # schema-qualified, quoted
    columns: list[_Column] = field(default_factory=list)
    foreign: list[tuple[int, list[str], list[str]]] = field(default_factory=list)  # (table, columns, its columns)
    literals: dict[str, list[str]] = field(default_factory=dict)  # column -> literals of the checks naming it


def seed_empty_tables(session: Session, skip: tuple[str, str], note: Callable[[str], None]) -> int:
    """Put up to ROWS generated rows into every empty table (not `skip`, the tracking table);
    returns how many rows went in. Tables it cannot fill are told with `note`."""
    tables = {oid: _Table(oid, f"{quote_ident(schema)}.{quote_ident(name)}")
              for oid, schema, name in session.rows(_TABLES) if (schema, name) != skip}
    if not tables:
        return 0
    empty = _empty(session, tables)
    if not empty:
        return 0
    oids = list(tables)
    for row in session.rows(_COLUMNS, [oids]):
        tables[row[0]].columns.append(_Column(*row[1:]))
    for owner, kind, referenced, columns, their_columns, definition in session.rows(_CONSTRAINTS, [oids]):
        if kind == "f":
            tables[owner].foreign.append((referenced, list(columns), list(their_columns)))
        else:
            found = [m.replace("''", "'") for m in _STRING_LITERAL.findall(definition)]
            for number in _NUMBER_LITERAL.findall(_STRING_LITERAL.sub("", definition)):
                value = float(number)
                found += [number] + ([str(int(value) + 1), str(int(value) - 1)] if value.is_integer() else [])
            for column in columns:
                tables[owner].literals.setdefault(column, []).extend(found)
    labels: dict[int, list[str]] = {}
    for type_oid, label in session.rows("SELECT enumtypid, enumlabel::text FROM pg_enum ORDER BY enumtypid, "
                                        "enumsortorder"):
        labels.setdefault(type_oid, []).append(label)
    inserted = 0
    for table in _dependency_order(tables):
        if table.oid in empty:
            inserted += _seed(session, table, tables, labels, note)
    return inserted


def _empty(session: Session, tables: dict[int, _Table]) -> set[int]:
    query = " UNION ALL ".join(f"SELECT {oid}::oid WHERE NOT EXISTS (SELECT FROM {t.name})"
                               for oid, t in tables.items())
    return {int(row[0]) for row in session.rows(query)}


def _dependency_order(tables: dict[int, _Table]) -> list[_Table]:
    """Referenced tables before the tables that reference them (a cycle is broken anywhere)."""
    done: list[_Table] = []
    seen: set[int] = set()

    def visit(oid: int, path: frozenset[int]) -> None:
        if oid in seen or oid in path or oid not in tables:
            return
        for referenced, _, _ in tables[oid].foreign:
            if referenced != oid:
                visit(referenced, path | {oid})
        if oid not in seen:
            seen.add(oid)
            done.append(tables[oid])

    for oid in tables:
        visit(oid, frozenset())
    return done


def _seed(session: Session, table: _Table, tables: dict[int, _Table], labels: dict[int, list[str]],
          note: Callable[[str], None]) -> int:
    parents = {}  # (referenced table, its columns) -> rows of values, as text
    for referenced, _, their_columns in table.foreign:
        if referenced != table.oid and referenced in tables:
            cols = ", ".join(f"{quote_ident(c)}::text" for c in their_columns)
            parents[(referenced, tuple(their_columns))] = session.rows(
                f"SELECT {cols} FROM {tables[referenced].name} ORDER BY 1 LIMIT {ROWS}")
    inserted = 0
    last: SqlFailure | None = None
    for number in range(1, ROWS + 1):
        for variant in range(VARIANTS):
            sql = _insert(table, number, variant, parents, labels)
            if sql is None:
                continue
            try:
                session.run(sql)
            except SqlFailure as failure:
                last = failure
                continue
            inserted += 1
            break
        else:
            break  # no choice makes this row: the table keeps the rows it got
    if not inserted:
        why = last.message if last is not None else "no value can be generated for one of its columns"
        note(f"with data: table {table.name} left empty ({why})")
    return inserted


def _insert(table: _Table, number: int, variant: int, parents: dict[tuple[int, tuple[str, ...]], list[tuple[Any, ...]]],
            labels: dict[int, list[str]]) -> str | None:
    values: dict[str, str] = {}
    for referenced, columns, their_columns in table.foreign:
        if referenced == table.oid:
            continue  # a self-reference: the same generated key values point at the row itself
        found = parents.get((referenced, tuple(their_columns)), [])
        if found:
            parent = found[(number - 1) % len(found)]
            for key, value in zip(columns, parent):
                values[key] = "NULL" if value is None else quote_literal(str(value))
        else:
            for key in columns:
                values[key] = "NULL"  # the parent is empty: only a nullable key can be filled
    names: list[str] = []
    literals: list[str] = []
    for column in table.columns:
        if column.automatic or "nextval(" in column.default:
            continue
        if column.name in values:
            literal = values[column.name]
        else:
            value = _value(column, number, variant, table.literals.get(column.name, []), labels)
            if value is None:
                if column.not_null and not column.default:
                    return None
                continue  # its default, or null
            literal = value
        names.append(quote_ident(column.name))
        literals.append(literal if literal == "NULL" else f"{literal}::{column.sql_type}")
    if not names:
        return f"INSERT INTO {table.name} DEFAULT VALUES"
    return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(literals)})"


def _value(column: _Column, number: int, variant: int, checks: list[str],
           labels: dict[int, list[str]]) -> str | None:
    """A literal for `column` in row `number` (1-based), value choice `variant`; None: leave it to
    its default (or null)."""
    if 1 <= variant <= 3 and checks:
        return quote_literal(checks[(number - 1 + variant - 1) % len(checks)])
    if variant == 4 and column.default:
        return None
    if variant == 5 and not column.not_null:
        return "NULL"
    text = _generated(column, number, variant, labels)
    return None if text is None else quote_literal(text)


def _generated(column: _Column, n: int, variant: int, labels: dict[int, list[str]]) -> str | None:
    base, category = column.base, column.category
    if column.kind == "e":
        found = labels.get(column.type_oid, [])
        return found[(n - 1) % len(found)] if found else None
    if category == "A":
        return "{}"
    if base in ("int2", "int4", "int8", "numeric", "float4", "float8", "money", "oid"):
        return str(n)
    if base == "bool":
        return "true" if n % 2 else "false"
    if category == "S" or base in ("citext",):
        limit = column.typmod - 4 if base in ("varchar", "bpchar") and column.typmod > 4 else None
        # digits first: such a text also survives a later `type integer using code::int`
        text = str(1000 + n) if variant == 0 else f"{column.name} value number {n}"
        if limit is not None and len(text) > limit:
            text = (chr(ord("a") + (n - 1) % 26) * limit) if limit < 4 else f"{n}-{column.name}"[:limit]
        return text
    fixed = {
        "uuid": f"00000000-0000-4000-8000-{n:012d}",
        "date": f"2024-01-{n:02d}",
        "timestamp": f"2024-01-{n:02d} 12:00:00",
        "timestamptz": f"2024-01-{n:02d} 12:00:00+00",
        "time": f"12:{n:02d}:00",
        "timetz": f"12:{n:02d}:00+00",
        "interval": f"{n} days",
        "json": f'{{"n": {n}}}',
        "jsonb": f'{{"n": {n}}}',
        "bytea": f"\\x{n:02x}",
        "inet": f"10.0.0.{n}",
        "cidr": f"10.0.{n}.0/24",
        "macaddr": f"08:00:2b:01:02:{n:02x}",
        "tsvector": f"word{n}",
        "xml": f"<n>{n}</n>",
    }
    return fixed.get(base)
