#!/usr/bin/env python3
"""Generate a realistic, valid history of `.mig` migrations for benchmarks and stress tests.

    python bench/gen_history.py OUT_DIR [-n 1000] [--seed 1] [--statements 5] [--exact]

Writes OUT_DIR/0001_<slug>.mig ... OUT_DIR/<N>_<slug>.mig (existing `*.mig` files in OUT_DIR are
removed first, nothing else is touched). The same seed always gives the same files.
Each migration holds about --statements statements (that number, give or take 2); with --exact,
exactly that many, each of which compiles to exactly one SQL statement (`--statements 1 --exact`:
a history of one-statement migrations).

The generator keeps a model of the schema it has built so far, so every statement is valid against
the schema the earlier ones left behind: no unknown or duplicate tables, columns, indexes or
constraints; `set not null` only on columns that have had a value since they were added; foreign
keys only to an earlier table's primary key, with the same type; type changes only along casts that
PostgreSQL does implicitly (int -> bigint, varchar(n) -> text, varchar(n) -> varchar(m > n)).
Columns that are part of a primary key, foreign key, index or check are never dropped.

Names that PostgreSQL would derive (`orders_pkey`, `orders_sku_key`, `orders_user_id_fkey`,
`orders_qty_check`, `orders_sku_idx`) are used only when they are free; otherwise the statement
names the constraint or index explicitly, so the history never depends on collision numbering.

No `concurrently` (it must be alone in its migration), no raw `sql`, no `alter enum ... add value`:
every generated migration is reversible. Standard library only.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

MAX_NAME = 63

# ----------------------------------------------------------------------------- vocabulary

TABLE_NOUNS = [
    "users", "accounts", "orgs", "teams", "projects", "tasks", "orders", "order_items",
    "products", "invoices", "payments", "customers", "addresses", "shipments", "carts",
    "reviews", "tags", "events", "sessions", "audits", "messages", "threads", "files", "notes",
    "webhooks", "plans", "subscriptions", "coupons", "refunds", "warehouses", "suppliers",
    "categories", "pages", "posts", "comments", "likes", "follows", "notifications", "devices",
    "tokens", "reports", "dashboards", "alerts", "metrics", "jobs", "runs", "builds", "releases",
    "deployments", "incidents",
]
TABLE_PREFIXES = ["", "billing", "crm", "shop", "hr", "ops", "cms", "auth", "sales", "support"]

# kind -> candidate column names
COLUMN_NAMES: dict[str, list[str]] = {
    "text": ["description", "notes", "title", "label", "summary", "body", "url", "slug", "headline"],
    "varchar": ["sku", "country", "currency", "locale", "phone", "email", "handle", "ref", "color"],
    "integer": ["quantity", "sort_order", "priority", "attempts", "score", "rank", "level", "retries"],
    "bigint": ["size_bytes", "views", "total_cents", "balance_cents", "hits", "downloads"],
    "boolean": ["active", "archived", "verified", "visible", "enabled", "paid", "pinned"],
    "numeric": ["amount", "price", "tax", "discount", "weight", "rate"],
    "timestamptz": ["starts_at", "ends_at", "expires_at", "paid_at", "shipped_at", "deleted_at", "seen_at"],
    "date": ["due_on", "birthday", "valid_from", "valid_until", "billed_on"],
    "jsonb": ["metadata", "settings", "payload", "attributes"],
    "uuid": ["external_id", "public_id", "correlation_id"],
}
KIND_WEIGHTS = {
    "text": 14, "varchar": 14, "integer": 14, "bigint": 8, "boolean": 10, "numeric": 8,
    "timestamptz": 12, "date": 5, "jsonb": 6, "uuid": 4,
}
RENAME_SUFFIXES = ["_old", "_v2", "_text", "_value", "_legacy", "_raw", "_new"]
FK_ACTIONS = ["on delete cascade", "on delete set null", "on delete restrict", "", ""]


# ----------------------------------------------------------------------------- model


@dataclass
class Column:
    name: str
    kind: str  # a key of COLUMN_NAMES
    length: int | None = None  # varchar(n)
    not_null: bool = False
    default: str | None = None
    filled: bool = False  # every row has a value: it was added with a default (or is the pk)
    pk: bool = False
    fk_to: str | None = None  # the referenced table

    @property
    def type_sql(self) -> str:
        if self.kind == "varchar":
            return f"varchar({self.length})"
        if self.kind == "numeric":
            return "numeric(12,2)"
        return self.kind


@dataclass
class Index:
    name: str
    table: str
    columns: list[str]  # column names, kept current through renames
    expr: str | None = None  # a function wrapped around the single column, e.g. "lower"
    desc: bool = False
    unique: bool = False
    where: tuple[str, str] | None = None  # (column, "is null" | "is not null")

    def render(self, explicit_name: bool) -> str:
        if self.expr:
            elems = f"{self.expr}({self.columns[0]})"
        else:
            elems = ", ".join(self.columns)
        if self.desc:
            elems += " desc"
        head = "create unique index" if self.unique else "create index"
        name = f" {self.name}" if explicit_name else ""
        sql = f"{head}{name} on {self.table} ({elems})"
        if self.where:
            sql += f" where {self.where[0]} {self.where[1]}"
        return sql


@dataclass
class Check:
    name: str
    column: str
    op: str  # e.g. ">= 0"


@dataclass
class ForeignKey:
    name: str
    column: str
    ref_table: str
    validated: bool = True
    action: str = ""  # e.g. "on delete cascade"


@dataclass
class Table:
    name: str
    pk_kind: str  # "bigint" (bigserial) or "uuid"
    columns: dict[str, Column] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)  # droppable: made by create index
    unique_cols: dict[str, list[str]] = field(default_factory=dict)  # constraint name -> columns
    checks: dict[str, Check] = field(default_factory=dict)
    fks: dict[str, ForeignKey] = field(default_factory=dict)

    def protected(self) -> set[str]:
        """Columns that must not be dropped (nor have their type changed, for pk/fk)."""
        cols = {c.name for c in self.columns.values() if c.pk or c.fk_to}
        for ix in self.indexes.values():
            cols.update(ix.columns)
            if ix.where:
                cols.add(ix.where[0])
        for uc in self.unique_cols.values():
            cols.update(uc)
        for ck in self.checks.values():
            cols.add(ck.column)
        return cols


class Model:
    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        # One namespace for relation names (tables, indexes, sequences) and constraint names:
        # stricter than PostgreSQL, so a derived name is used only when it is surely free.
        self.names: dict[str, None] = {}

    def take(self, name: str) -> None:
        assert name not in self.names, name
        assert len(name.encode()) <= MAX_NAME, name
        self.names[name] = None

    def free(self, name: str) -> bool:
        return name not in self.names and len(name.encode()) <= MAX_NAME

    def release(self, name: str) -> None:
        self.names.pop(name, None)

    def unique_name(self, base: str) -> str:
        """`base` if free, else base_2, base_3, ... (explicit names for the generated files)."""
        base = base[: MAX_NAME - 4]
        if self.free(base):
            return base
        k = 2
        while not self.free(f"{base}_{k}"):
            k += 1
        return f"{base}_{k}"


# ----------------------------------------------------------------------------- generator


class Generator:
    def __init__(self, seed: int, statements: int, exact: bool = False) -> None:
        self.rng = random.Random(seed)
        self.m = Model()
        self.statements = statements
        # exact: every migration holds exactly `statements` statements, each one SQL statement
        self.exact = exact
        self.table_counter = 0
        self.pending_validation: list[tuple[str, str]] = []  # (table, fk name) added `not valid`
        # exact mode: foreign keys whose column is added, the constraint (`not valid`) still to come
        self.pending_constraints: list[tuple[str, str]] = []  # (table, fk name)

    # ---- helpers

    def pick(self, seq: list[str]) -> str:
        return seq[self.rng.randrange(len(seq))]

    def new_table_name(self) -> str:
        while True:
            self.table_counter += 1
            noun = self.pick(TABLE_NOUNS)
            prefix = self.pick(TABLE_PREFIXES)
            name = f"{prefix}_{noun}" if prefix else noun
            if name in self.m.tables or not self.m.free(name) or not self.m.free(f"{name}_pkey"):
                name = f"{name}_{self.table_counter}"
            if (name not in self.m.tables and self.m.free(name) and self.m.free(f"{name}_pkey")
                    and self.m.free(f"{name}_id_seq")):
                return name

    def new_column_name(self, table: Table, kind: str) -> str:
        base = self.pick(COLUMN_NAMES[kind])
        if base not in table.columns:
            return base
        k = 2
        while f"{base}_{k}" in table.columns:
            k += 1
        return f"{base}_{k}"

    def pick_kind(self) -> str:
        kinds = list(KIND_WEIGHTS)
        return self.rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]

    def constant_default(self, col: Column) -> str | None:
        """A constant default that fits the column's type (never volatile)."""
        k = col.kind
        if k == "text":
            return self.pick(["''", "'n/a'", "'draft'"])
        if k == "varchar":
            assert col.length is not None
            options = [v for v in ["''", "'xx'", "'none'", "'unknown'"] if len(v) - 2 <= col.length]
            return self.pick(options)
        if k in ("integer", "bigint"):
            return self.pick(["0", "1", "10", "100"])
        if k == "boolean":
            return self.pick(["false", "true"])
        if k == "numeric":
            return self.pick(["0", "0.00", "1.5"])
        if k == "jsonb":
            return self.pick(["'{}'", "'[]'"])
        if k == "date":
            return "'2024-01-01'"
        return None  # timestamptz, uuid: no constant default worth having

    def create_default(self, col: Column) -> str | None:
        """A default for a column of a new table: volatile ones are fine there (no rows yet)."""
        if col.kind == "timestamptz":
            return self.pick(["now()", "current_timestamp"])
        if col.kind == "uuid":
            return "gen_random_uuid()"
        if col.kind == "date":
            return self.pick(["current_date", "'2024-01-01'"])
        return self.constant_default(col)

    def random_column(self, table: Table, *, for_new_table: bool) -> Column:
        kind = self.pick_kind()
        col = Column(self.new_column_name(table, kind), kind)
        if kind == "varchar":
            col.length = self.pick_int([20, 40, 80, 120, 255])
        r = self.rng.random()
        default = self.create_default(col) if for_new_table else self.constant_default(col)
        if default is not None and r < 0.5:
            col.default = default
            col.filled = True
            col.not_null = self.rng.random() < 0.6
        return col

    def pick_int(self, options: list[int]) -> int:
        return options[self.rng.randrange(len(options))]

    def column_sql(self, col: Column, extra: str = "") -> str:
        parts = [col.name, col.type_sql]
        mods: list[str] = []
        if col.not_null:
            mods.append("not null")
        if col.default is not None:
            mods.append(f"default {col.default}")
        if len(mods) == 2 and self.rng.random() < 0.3:
            mods.reverse()  # `default now() not null` must parse as well
        parts.extend(mods)
        if extra:
            parts.append(extra)
        return " ".join(parts)

    def tables_list(self) -> list[Table]:
        return list(self.m.tables.values())

    # ---- statements; each returns (sql lines, slug hint) or None when not possible now

    def create_table(self) -> tuple[str, str]:
        name = self.new_table_name()
        pk_kind = "uuid" if self.rng.random() < 0.15 else "bigint"
        t = Table(name, pk_kind)
        lines: list[str] = []
        if pk_kind == "uuid":
            t.columns["id"] = Column("id", "uuid", not_null=True, default="gen_random_uuid()", filled=True, pk=True)
            lines.append("id uuid pk default gen_random_uuid()")
        else:
            t.columns["id"] = Column("id", "bigint", not_null=True, default="nextval", filled=True, pk=True)
            if self.exact:  # a serial is three statements (sequence, table, owned by); identity one
                lines.append(self.pick(["id bigint pk identity",
                                        "id bigint primary key generated by default as identity"]))
            else:
                lines.append(self.pick(["id bigserial pk", "id bigserial primary key"]))
            self.m.take(f"{name}_id_seq")
        self.m.take(name)
        self.m.take(f"{name}_pkey")

        # a foreign key to an earlier table, written inline
        earlier = self.tables_list()
        if earlier and self.rng.random() < 0.6:
            ref = self.pick_table(earlier)
            col_name = self.fk_column_name(t, ref)
            fk_name = f"{name}_{col_name}_fkey"
            if self.m.free(fk_name):
                col = Column(col_name, ref.pk_kind, fk_to=ref.name)
                col.not_null = self.rng.random() < 0.5
                action = self.pick(FK_ACTIONS)
                if col.not_null and action == "on delete set null":
                    action = "on delete cascade"
                t.columns[col_name] = col
                ref_sql = f"references {ref.name}" + (f" {action}" if action else "")
                lines.append(self.column_sql(col, ref_sql))
                self.m.take(fk_name)
                t.fks[fk_name] = ForeignKey(fk_name, col_name, ref.name)

        for _ in range(self.rng.randint(2, 5)):
            col = self.random_column(t, for_new_table=True)
            extra = ""
            if col.kind == "varchar" and self.rng.random() < 0.25:
                key = f"{name}_{col.name}_key"
                if self.m.free(key):
                    self.m.take(key)
                    t.unique_cols[key] = [col.name]
                    extra = "unique"
            elif col.kind in ("integer", "numeric") and self.rng.random() < 0.3:
                ck = f"{name}_{col.name}_check"
                if self.m.free(ck):
                    self.m.take(ck)
                    t.checks[ck] = Check(ck, col.name, ">= 0")
                    extra = f"check ({col.name} >= 0)"
            t.columns[col.name] = col
            lines.append(self.column_sql(col, extra))
        if self.rng.random() < 0.5:
            col = Column("created_at", "timestamptz", not_null=True, default="now()", filled=True)
            t.columns["created_at"] = col
            lines.append(self.column_sql(col))

        # sometimes a two-column unique table constraint
        candidates = [c.name for c in t.columns.values() if not c.pk and c.kind in ("varchar", "integer", "text")]
        if len(candidates) >= 2 and self.rng.random() < 0.2:
            a, b = self.rng.sample(candidates, 2)
            key = f"{name}_{a}_{b}_key"
            if self.m.free(key):
                self.m.take(key)
                t.unique_cols[key] = [a, b]
                lines.append(f"unique ({a}, {b})")
            else:
                key = self.m.unique_name(f"{name}_{a}_{b}_uq")
                self.m.take(key)
                t.unique_cols[key] = [a, b]
                lines.append(f"constraint {key} unique ({a}, {b})")

        self.m.tables[name] = t
        body = ",\n".join(f"  {line}" for line in lines)
        return f"create table {name} (\n{body}\n)", f"create_{name}"

    def pick_table(self, tables: list[Table] | None = None) -> Table:
        tables = tables if tables is not None else self.tables_list()
        # favour recent tables a little, as real histories do
        if self.rng.random() < 0.5 and len(tables) > 8:
            return tables[self.rng.randrange(len(tables) - 8, len(tables))]
        return tables[self.rng.randrange(len(tables))]

    def fk_column_name(self, t: Table, ref: Table) -> str:
        base = ref.name.split("_")[-1]
        if base.isdigit():
            base = ref.name.split("_")[-2]
        base = base[:-1] if base.endswith("s") else base
        name = f"{base}_id"
        k = 2
        while name in t.columns:
            name = f"{base}_{k}_id"
            k += 1
        return name

    def add_columns(self) -> tuple[str, str] | None:
        t = self.pick_table()
        n = 1 if self.rng.random() < 0.75 or self.exact else 2
        cols = []
        for _ in range(n):
            col = self.random_column(t, for_new_table=False)
            t.columns[col.name] = col
            cols.append(col)
        actions = ", ".join(f"add column {self.column_sql(c)}" for c in cols)
        return f"alter table {t.name} {actions}", f"add_{t.name}_{cols[0].name}"

    def drop_column(self) -> tuple[str, str] | None:
        t = self.pick_table()
        protected = t.protected()
        candidates = [c for c in t.columns.values() if c.name not in protected]
        if not candidates:
            return None
        col = candidates[self.rng.randrange(len(candidates))]
        del t.columns[col.name]
        return f"alter table {t.name} drop column {col.name}", f"drop_{t.name}_{col.name}"

    def rename_column(self) -> tuple[str, str] | None:
        t = self.pick_table()
        candidates = [c for c in t.columns.values() if not c.pk]
        if not candidates:
            return None
        col = candidates[self.rng.randrange(len(candidates))]
        base = col.name
        for suffix in RENAME_SUFFIXES:
            if base.endswith(suffix):
                base = base[: -len(suffix)]
        new = base + self.pick(RENAME_SUFFIXES)
        k = 2
        while new in t.columns or new == col.name:
            new = f"{base}_r{k}"
            k += 1
        old = col.name
        col.name = new
        t.columns = {(new if k_ == old else k_): c for k_, c in t.columns.items()}
        for ix in t.indexes.values():
            ix.columns = [new if c == old else c for c in ix.columns]
            if ix.where and ix.where[0] == old:
                ix.where = (new, ix.where[1])
        for key, cols in t.unique_cols.items():
            t.unique_cols[key] = [new if c == old else c for c in cols]
        for ck in t.checks.values():
            if ck.column == old:
                ck.column = new
        for fk in t.fks.values():
            if fk.column == old:
                fk.column = new
        return f"alter table {t.name} rename column {old} to {new}", f"rename_{t.name}_{old}"

    def create_index(self) -> tuple[str, str] | None:
        t = self.pick_table()
        cols = [c for c in t.columns.values() if not c.pk and c.kind != "jsonb"]
        if not cols:
            return None
        first = cols[self.rng.randrange(len(cols))]
        ix = Index("", t.name, [first.name])
        r = self.rng.random()
        if first.kind in ("text", "varchar") and r < 0.3:
            ix.expr = "lower"
            ix.unique = self.rng.random() < 0.5
        elif r < 0.55 and len(cols) >= 2:
            second = cols[self.rng.randrange(len(cols))]
            if second.name != first.name:
                ix.columns.append(second.name)
        if not ix.expr and self.rng.random() < 0.2:
            ix.desc = True
        if self.rng.random() < 0.3:
            deleted = [c.name for c in t.columns.values() if c.kind == "timestamptz" and not c.not_null]
            if deleted and self.rng.random() < 0.5:
                ix.where = (deleted[self.rng.randrange(len(deleted))], "is null")
            elif not first.not_null:
                ix.where = (first.name, "is not null")
        # PostgreSQL's derived name: table, then the column names (or the function's name for an
        # expression), then _idx
        derived = f"{t.name}_{'lower' if ix.expr else '_'.join(ix.columns)}_idx"
        explicit = not self.m.free(derived) or self.rng.random() < 0.4
        if explicit:
            base = f"{t.name}_{'_'.join(ix.columns)}_{'uniq' if ix.unique else 'ix'}"
            ix.name = self.m.unique_name(base if len(base) <= 55 else f"{t.name[:40]}_ix")
        else:
            ix.name = derived
        self.m.take(ix.name)
        t.indexes[ix.name] = ix
        return ix.render(explicit), f"index_{t.name}"

    def drop_index(self) -> tuple[str, str] | None:
        tables = [t for t in self.tables_list() if t.indexes]
        if not tables:
            return None
        t = tables[self.rng.randrange(len(tables))]
        names = list(t.indexes)
        name = names[self.rng.randrange(len(names))]
        del t.indexes[name]
        self.m.release(name)
        return f"drop index {name}", f"drop_{name}"

    def set_default(self) -> tuple[str, str] | None:
        t = self.pick_table()
        cols = [c for c in t.columns.values()
                if not c.pk and not c.fk_to and self.constant_default(c) is not None]
        if not cols:
            return None
        col = cols[self.rng.randrange(len(cols))]
        col.default = self.constant_default(col)
        return f"alter table {t.name} alter column {col.name} set default {col.default}", f"default_{t.name}_{col.name}"

    def drop_default(self) -> tuple[str, str] | None:
        t = self.pick_table()
        cols = [c for c in t.columns.values() if not c.pk and c.default is not None]
        if not cols:
            return None
        col = cols[self.rng.randrange(len(cols))]
        col.default = None
        return f"alter table {t.name} alter column {col.name} drop default", f"drop_default_{t.name}_{col.name}"

    def set_not_null(self) -> tuple[str, str] | None:
        t = self.pick_table()
        cols = [c for c in t.columns.values() if not c.not_null and c.filled and not c.fk_to]
        if not cols:
            return None
        col = cols[self.rng.randrange(len(cols))]
        col.not_null = True
        return f"alter table {t.name} alter column {col.name} set not null", f"require_{t.name}_{col.name}"

    def drop_not_null(self) -> tuple[str, str] | None:
        t = self.pick_table()
        cols = [c for c in t.columns.values() if c.not_null and not c.pk]
        if not cols:
            return None
        col = cols[self.rng.randrange(len(cols))]
        col.not_null = False
        return f"alter table {t.name} alter column {col.name} drop not null", f"optional_{t.name}_{col.name}"

    def change_type(self) -> tuple[str, str] | None:
        t = self.pick_table()
        cols = [c for c in t.columns.values()
                if not c.pk and not c.fk_to and c.kind in ("integer", "varchar")]
        if not cols:
            return None
        col = cols[self.rng.randrange(len(cols))]
        if col.kind == "integer":
            col.kind = "bigint"
        elif col.length is not None and col.length < 255 and self.rng.random() < 0.5:
            col.length = self.pick_int([n for n in (80, 120, 255, 500) if n > col.length])
        else:
            col.kind, col.length = "text", None
        return f"alter table {t.name} alter column {col.name} type {col.type_sql}", f"retype_{t.name}_{col.name}"

    def add_foreign_key(self) -> tuple[str, str] | None:
        tables = self.tables_list()
        if len(tables) < 2:
            return None
        t = self.pick_table()
        others = [x for x in tables if x.name != t.name]
        ref = self.pick_table(others)
        col_name = self.fk_column_name(t, ref)
        col = Column(col_name, ref.pk_kind, fk_to=ref.name)
        t.columns[col_name] = col
        fk_name = f"{t.name}_{col_name}_fkey"
        action = self.pick(["on delete set null", "on delete cascade", ""])
        tail = f" {action}" if action else ""
        if self.m.free(fk_name) and self.rng.random() < 0.5:
            self.m.take(fk_name)
            t.fks[fk_name] = ForeignKey(fk_name, col_name, ref.name)
            sql = f"alter table {t.name} add column {col_name} {col.type_sql} references {ref.name}{tail}"
            return sql, f"link_{t.name}_{ref.name}"
        # the safe way: add the column, then the constraint `not valid`, validated in a later
        # migration (see `validate`)
        fk_name = self.m.unique_name(fk_name if self.m.free(fk_name) else f"fk_{t.name}_{col_name}")
        self.m.take(fk_name)
        t.fks[fk_name] = ForeignKey(fk_name, col_name, ref.name, validated=False, action=action)
        if self.exact:
            # one statement per migration: the column now, the constraint in a later migration
            self.pending_constraints.append((t.name, fk_name))
            return f"alter table {t.name} add column {col_name} {col.type_sql}", f"add_{t.name}_{col_name}"
        self.pending_validation.append((t.name, fk_name))
        sql = (
            f"alter table {t.name} add column {col_name} {col.type_sql}\n"
            f"alter table {t.name} add constraint {fk_name}\n"
            f"  foreign key ({col_name}) references {ref.name} (id){tail} not valid"
        )
        return sql, f"link_{t.name}_{ref.name}"

    def add_constraint(self) -> tuple[str, str] | None:
        """Exact mode: add the oldest foreign key whose column an earlier migration added."""
        if not self.pending_constraints:
            return None
        table, name = self.pending_constraints.pop(0)
        fk = self.m.tables[table].fks[name]  # its column may have been renamed since
        tail = f" {fk.action}" if fk.action else ""
        self.pending_validation.append((table, name))
        sql = (
            f"alter table {table} add constraint {name}\n"
            f"  foreign key ({fk.column}) references {fk.ref_table} (id){tail} not valid"
        )
        return sql, f"link_{table}_{fk.ref_table}"

    def validate(self) -> tuple[str, str] | None:
        """Validate the oldest foreign key added `not valid` (always by an earlier migration)."""
        if not self.pending_validation:
            return None
        table, name = self.pending_validation.pop(0)
        self.m.tables[table].fks[name].validated = True
        return f"alter table {table} validate constraint {name}", f"validate_{name}"

    # ---- migrations

    OPS = [
        ("create_table", 4), ("add_columns", 20), ("drop_column", 6), ("rename_column", 6),
        ("create_index", 12), ("drop_index", 4), ("set_default", 6), ("drop_default", 4),
        ("set_not_null", 4), ("drop_not_null", 4), ("change_type", 7), ("add_foreign_key", 10),
    ]

    def migration(self, number: int) -> tuple[str, str]:
        count = self.statements if self.exact else max(1, self.statements + self.rng.randint(-2, 2))
        chunks: list[str] = []
        slug = ""
        # exact mode: the constraint of a foreign key whose column an earlier migration added
        if self.pending_constraints and self.rng.random() < 0.7:
            done = self.add_constraint()
            if done:
                chunks.append(done[0])
                slug = done[1]
        # validate foreign keys that an earlier migration added `not valid`: the second half of
        # the safe way to add one
        if len(chunks) < count and self.pending_validation and self.rng.random() < 0.7:
            done = self.validate()
            if done:
                chunks.append(done[0])
                slug = slug or done[1]
        names = [name for name, _ in self.OPS]
        weights = [w for _, w in self.OPS]
        attempts = 0
        while len(chunks) < count and attempts < 100:
            attempts += 1
            if len(self.m.tables) < 3 or (number == 1 and not chunks):
                result = self.create_table()
            else:
                op = self.rng.choices(names, weights=weights)[0]
                result = getattr(self, op)()
            if result is None:
                continue
            chunks.append(result[0])
            slug = slug or result[1]
        text = f"-- generated by bench/gen_history.py: migration {number}\n\n"
        sep = "\n\n" if self.rng.random() < 0.7 else ";\n\n"
        text += sep.join(chunks) + "\n"
        return text, slugify(slug or "change")


def slugify(text: str) -> str:
    out = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in text.lower())
    return out.strip("_")[:48].rstrip("_") or "change"


def generate(out_dir: Path, n: int, seed: int, statements: int = 5, exact: bool = False) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.mig"):
        old.unlink()
    gen = Generator(seed, statements, exact)
    width = max(4, len(str(n)))
    paths = []
    for i in range(1, n + 1):
        text, slug = gen.migration(i)
        path = out_dir / f"{i:0{width}d}_{slug}.mig"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="directory to write the .mig files into")
    parser.add_argument("-n", type=int, default=1000, help="number of migrations (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--statements", type=int, default=5, help="average statements per migration (default 5)")
    parser.add_argument("--exact", action="store_true",
                        help="exactly --statements statements per migration, each one SQL statement")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("-n must be at least 1")
    if args.statements < 1:
        parser.error("--statements must be at least 1")
    paths = generate(args.out_dir, args.n, args.seed, args.statements, args.exact)
    print(f"wrote {len(paths)} migrations to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
