"""Random *valid* migration histories in the .mig language, for the property tests.

`histories()` is a hypothesis strategy. It builds 3-8 migrations of 1-4 statements each while keeping
a small model of the schema they build (tables, columns, constraints, indexes, enums), so that every
statement it writes is valid against the schema before it: names exist, foreign keys point at a
primary key of the same type, nothing dropped is still referenced, type changes have an implicit
cast, defaults fit their column's type.

The model also predicts PostgreSQL's names for unnamed constraints and indexes (`t_a_key`, numbered
on collision), so later statements can drop them by name. Every name the generator invents (tables,
columns, explicit constraint/index/enum names) is free of `_`, so a generated name never collides
with one PostgreSQL derives (those always contain `_`), and no derived name here is long enough to
be truncated: the naming rules' hard cases are tests/test_naming_oracle.py's job.

Constructs that hit a known, reported compiler bug are not generated; each such bug has its own
strict xfail example in test_property.py. (None today: type changes of columns that `in (...)` or
`coalesce(...)` checks and index expressions mention, left out until issue 8 item 22, are generated
again.)
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import psycopg
from hypothesis import strategies as st

from migc.runner.catalog import Catalog, describe_differences
from migc.codegen.statement import SqlStatement
from migc.ir.schema import Schema
from migc.lower import lower_migration
from migc.project import list_migrations
from migc.runner.urls import with_database
import migc.kinds  # noqa: F401  (registers every statement kind, for parse)
from migc.syntax.parser import parse

CONSONANTS = "bcdfghjklmnpqrstvwxz"
# words the .mig grammar (or SQL expressions) may read as keywords even where a name is meant; and
# built-in type names a consonant-only word can hit (an enum named xml is shadowed by pg_catalog.xml,
# and the test server has no libxml to read its default)
RESERVED = frozenset({"sql", "pk", "xml"})
COLUMN_POOL = ("id", "name", "email", "age", "score", "total", "kind", "code", "owner", "order", "note")
TABLE_POOL = ("users", "orgs", "posts", "items", "events", "tags", "accounts", "invoices")
BARE = re.compile(r"[a-z_][a-z0-9_]*")


def ident(name: str) -> str:
    """A name as written in a .mig file: bare when it is a plain lower-case identifier, else quoted."""
    if BARE.fullmatch(name) and name not in RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def string_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def nextval(sequence: str) -> str:
    """A default from a sequence, its name as a regclass literal reads it (quoted unless plain)."""
    return f"nextval({string_literal(sequence if BARE.fullmatch(sequence) else ident(sequence))})"


# ---------------------------------------------------------------- the model


@dataclass
class ColType:
    kind: str  # bigint int text varchar bool timestamptz numeric enum composite
    n: int | None = None  # varchar length, numeric precision
    s: int | None = None  # numeric scale
    enum: str | None = None
    named: str | None = None  # a domain over `kind`, or (kind "composite") a composite type

    def mig(self, alias: int = 0) -> str:
        if self.named is not None:
            return ident(self.named)
        match self.kind:
            case "int":
                return ("int", "integer", "int4")[alias % 3]
            case "bigint":
                return ("bigint", "int8")[alias % 2]
            case "bool":
                return ("bool", "boolean")[alias % 2]
            case "varchar":
                return f"varchar({self.n})"
            case "numeric":
                return f"numeric({self.n},{self.s})" if alias % 2 == 0 else f"decimal({self.n}, {self.s})"
            case "enum":
                assert self.enum is not None
                return ident(self.enum)
        return self.kind

    @property
    def textual(self) -> bool:
        return self.kind in ("text", "varchar")

    @property
    def key_kind(self) -> bool:
        """Types used for primary keys that foreign keys point at."""
        return self.kind in ("bigint", "int", "text") and self.named is None


@dataclass
class Col:
    name: str
    type: ColType
    not_null: bool = False
    default: str | None = None
    generated: str | None = None  # "serial" (a sequence and a nextval() default), "identity" or "stored"
    sources: tuple[str, ...] = ()  # a stored generated column: the columns it is computed from


@dataclass
class Con:
    name: str
    kind: str  # pk unique check fk
    cols: list[str]  # key columns; for a check, the distinct columns it mentions, in order
    check: str | None = None  # template over {0}, {1}: the columns in `cols`
    ref_table: str | None = None
    ref_cols: list[str] = field(default_factory=list)
    validated: bool = True
    timing: tuple[bool, bool] = (False, False)  # (deferrable, initially deferred): keys and foreign keys


@dataclass
class Idx:
    name: str
    table: str
    unique: bool
    elems: list[tuple[str, str]]  # ("col" | "lower" | "plus" | "coalesce", column)
    where: str | None = None  # the column of `where COLUMN is not null`


@dataclass
class Tbl:
    name: str
    cols: list[Col]
    cons: list[Con] = field(default_factory=list)
    triggers: dict[str, str] = field(default_factory=dict)  # trigger name -> its function
    policies: list[str] = field(default_factory=list)
    unlogged: bool = False  # language v2: no foreign key of a logged table may point at it

    def col(self, name: str) -> Col:
        return next(c for c in self.cols if c.name == name)

    @property
    def pk(self) -> Con | None:
        return next((c for c in self.cons if c.kind == "pk"), None)


@dataclass
class Vw:
    """A view over one table: `select COLS from TABLE [where COL is not null]` (cols None: `*`)."""

    name: str
    table: str
    cols: list[str] | None
    where: str | None = None


@dataclass
class Model:
    tables: dict[str, Tbl] = field(default_factory=dict)
    views: dict[str, Vw] = field(default_factory=dict)
    indexes: dict[str, Idx] = field(default_factory=dict)
    enums: dict[str, list[str]] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)  # name -> "trigger" | "scalar"
    used: set[str] = field(default_factory=set)  # every invented object name, never reused
    freed_tables: set[str] = field(default_factory=set)  # table names renamed away or dropped
    # language v2 (Generator's "sequences, domains, composite types" block)
    sequences: set[str] = field(default_factory=set)
    domains: dict[str, str] = field(default_factory=dict)  # name -> base kind
    composites: dict[str, list[str]] = field(default_factory=dict)  # name -> attribute names
    extensions: set[str] = field(default_factory=set)  # created by the history (no type of theirs is used)

    def view_columns(self, table: str) -> set[str]:
        """The columns of `table` that views use (all of them for `select *`): not to drop or retype."""
        used: set[str] = set()
        for v in self.views.values():
            if v.table == table:
                used |= set(v.cols) if v.cols is not None else {c.name for c in self.tables[table].cols}
                used |= {v.where} if v.where else set()
        return used

    def relation_names(self) -> set[str]:
        names = set(self.tables) | set(self.indexes) | set(self.views) | self.sequences | set(self.composites)
        names |= {c.name for t in self.tables.values() for c in t.cons if c.kind in ("pk", "unique")}
        return names

    def constraint_names(self) -> set[str]:
        return {c.name for t in self.tables.values() for c in t.cons}

    def referencing(self, table: str) -> list[tuple[Tbl, Con]]:
        """Every foreign key (of any table, itself included) that points at `table`."""
        return [(t, c) for t in self.tables.values() for c in t.cons if c.kind == "fk" and c.ref_table == table]

    def referenced_columns(self, table: str) -> set[str]:
        return {col for _, c in self.referencing(table) for col in c.ref_cols}

    def in_fk(self, table: str, column: str) -> bool:
        """The column is on either side of some foreign key."""
        t = self.tables[table]
        return column in self.referenced_columns(table) or any(
            c.kind == "fk" and column in c.cols for c in t.cons
        )

    def fk_targets(self, kind: str, exclude: str | None = None) -> list[Tbl]:
        """Tables whose single-column primary key has this type."""
        found = []
        for t in self.tables.values():
            pk = t.pk
            if t.name != exclude and pk is not None and len(pk.cols) == 1 and t.col(pk.cols[0]).type.kind == kind \
                    and not t.unlogged and t.col(pk.cols[0]).type.named is None \
                    and not pk.timing[0]:  # PostgreSQL refuses to reference a deferrable key
                found.append(t)
        return found


def object_name(name1: str, name2: str | None, label: str, taken: set[str]) -> str:
    """PostgreSQL's name1_name2_label, numbered on collision (names here are never truncated)."""
    base = f"{name1}_{name2}" if name2 is not None else name1
    candidate, attempt = f"{base}_{label}", 0
    while candidate in taken:
        attempt += 1
        candidate = f"{base}_{label}{attempt}"
    return candidate


def index_addition(elems: list[tuple[str, str]]) -> str:
    names: list[str] = []
    for kind, col in elems:
        orig = {"col": col, "lower": "lower", "plus": "expr", "coalesce": "coalesce"}[kind]
        name, i = orig, 0
        while name in names:
            i += 1
            name = f"{orig}{i}"
        names.append(name)
    return "_".join(names)


# ---------------------------------------------------------------- the history


@dataclass(frozen=True)
class History:
    migrations: tuple[tuple[str, ...], ...]  # statements per migration

    def files(self) -> list[tuple[str, str]]:
        """(file name, text) per migration."""
        return [(f"{i + 1:04d}_step{i + 1}.mig", "\n".join(stmts) + "\n") for i, stmts in enumerate(self.migrations)]

    def __repr__(self) -> str:  # how hypothesis shows a falsifying example
        parts = [f"--- {name}\n{text}" for name, text in self.files()]
        return "History(\n" + "".join(parts) + ")"


class Generator:
    """Draws one statement at a time, keeping `model` in step with what was written."""

    def __init__(self, draw: Callable[[st.SearchStrategy], object]) -> None:  # type: ignore[type-arg]
        self.draw = draw
        self.m = Model()

    # -------------------------------------------------------- drawing helpers

    def pick(self, items):  # type: ignore[no-untyped-def]
        items = list(items)
        return self.draw(st.sampled_from(items))

    def chance(self, percent: int) -> bool:
        return bool(self.draw(st.integers(0, 99)) < percent)

    def integer(self, lo: int, hi: int) -> int:
        return int(self.draw(st.integers(lo, hi)))  # type: ignore[call-overload]

    def _word(self) -> str:
        if self.chance(10):  # a quoted name: capitals, a space, a multibyte letter
            first = self.pick("BCDÉbcd")
            return first + str(self.draw(st.text(alphabet="BCDbcdé ", min_size=1, max_size=4)))
        return str(self.draw(st.text(alphabet=CONSONANTS, min_size=2, max_size=4)))

    def fresh(self, taken: set[str], pool: tuple[str, ...] = ()) -> str:
        if pool and self.chance(40):
            base = self.pick(pool)
        else:
            base = self._word()
        if base in RESERVED:
            base += "x"
        name, i = base, 1
        while name in taken:
            name = f"{base}{i}"
            i += 1
        return name

    def fresh_object_name(self) -> str:
        """A new name for a table, enum, explicit constraint or index: never used before."""
        name = self.fresh(self.m.used | self.m.freed_tables)
        self.m.used.add(name)
        return name

    def fresh_table_name(self) -> str:
        free = sorted(self.m.freed_tables - self.m.relation_names() - set(self.m.enums))
        if free and self.chance(35):  # a name a renamed or dropped table had: its old names stay taken
            name = str(self.pick(free))
            self.m.freed_tables.discard(name)
            return name
        name = self.fresh(self.m.used | self.m.freed_tables, TABLE_POOL)
        self.m.used.add(name)
        return name

    def fresh_column_name(self, table: Tbl | list[Col]) -> str:
        cols = table.cols if isinstance(table, Tbl) else table
        return self.fresh({c.name for c in cols}, COLUMN_POOL)

    def col_type(self, allow_enum: bool = True) -> ColType:
        kinds = ["bigint", "int", "text", "varchar", "bool", "timestamptz", "numeric"]
        if allow_enum and self.m.enums:
            kinds.append("enum")
        if self.m.domains or self.m.composites:
            kinds.append("user type")
        kind = self.pick(kinds)
        if kind == "user type":
            return self.user_type()
        if kind == "varchar":
            return ColType("varchar", self.integer(1, 20))
        if kind == "numeric":
            p = self.integer(2, 12)
            return ColType("numeric", p, self.integer(0, min(4, p - 2)))
        if kind == "enum":
            return ColType("enum", enum=self.pick(sorted(self.m.enums)))
        return ColType(kind)

    def default_for(self, t: ColType, sequences: bool = True) -> str:
        if t.kind == "composite":
            return "null"
        if t.kind in ("int", "bigint") and sequences and self.m.sequences and self.chance(20):
            return nextval(self.pick(sorted(self.m.sequences)))
        match t.kind:
            case "bigint" | "int":
                return self.pick([str(self.integer(-50, 50)), "(2 * 3)", "-1 + 0"])
            case "text":
                return string_literal(self.pick(["", "abc", "x y", "it's"]))
            case "varchar":
                assert t.n is not None
                return string_literal(self.pick(["", "a", "abc", "hello"])[: t.n])
            case "bool":
                return self.pick(["true", "false"])
            case "timestamptz":
                return self.pick(["now()", "current_timestamp", "'2020-01-02 03:04:05+00'"])
            case "numeric":
                assert t.n is not None and t.s is not None
                return self.pick(["0", "1", "42", "1.5"] if t.s > 0 else ["0", "7", "42"])
            case "enum":
                assert t.enum is not None
                return string_literal(self.pick(self.m.enums[t.enum]))
        raise AssertionError(t)

    def check_for(self, t: ColType) -> str:
        """A check template over one column {0}."""
        if t.kind == "composite":
            return "{0} is not null"
        match t.kind:
            case "bigint" | "int" | "numeric":
                return self.pick(["{0} >= 0", "{0} between -5 and 100", "{0} <> 7", "{0} in (1, 2, 3)",
                                  "coalesce({0}, 0) >= 0", "abs({0}) < 1000", "-{0} < 5", "not ({0} = 3)"])
            case "text" | "varchar":
                return self.pick(["length({0}) > 0", "{0} <> ''", "{0} like 'a%'", "{0} not in ('x', 'y')",
                                  "upper({0}) <> 'X'", "{0} not like '%z'"])
            case "bool":
                return self.pick(["{0} is not null", "{0} or {0} is null", "not {0}"])
            case "timestamptz":
                return self.pick(["{0} > '2000-01-01'", "{0} is not null"])
            case "enum":
                assert t.enum is not None
                return "{0} <> " + string_literal(self.pick(self.m.enums[t.enum]))
        raise AssertionError(t)

    def two_column_check(self, a: Col, b: Col) -> str:
        numeric = ("bigint", "int", "numeric")
        if a.type.kind in numeric and b.type.kind in numeric and self.chance(50):
            return "{0} <= {1}"
        return self.pick(["{0} is not null or {1} is not null", "({0} is null) = ({1} is null)"])

    @staticmethod
    def render_check(template: str, cols: list[str]) -> str:
        return template.format(*(ident(c) for c in cols))

    def fk_clause(self, target: Tbl) -> str:
        pk = target.pk
        assert pk is not None
        text = f"references {ident(target.name)}"
        if self.chance(40):
            text += f" ({ident(pk.cols[0])})"
        for which in ("delete", "update"):
            if self.chance(25):
                text += f" on {which} " + self.pick(["cascade", "restrict", "set null", "no action", "set default"])
        return text + self.timing(15)[0]  # the model does not follow a foreign key's timing: the catalog does

    _TIMINGS = (("deferrable", (True, False)), ("deferrable initially deferred", (True, True)),
                ("initially deferred", (True, True)), ("initially deferred deferrable", (True, True)),
                ("not deferrable", (False, False)), ("deferrable initially immediate", (True, False)),
                ("initially immediate", (False, False)))

    def timing(self, percent: int) -> tuple[str, tuple[bool, bool]]:
        """Sometimes a timing for a key or foreign key: (" words", (deferrable, initially deferred))."""
        if not self.chance(percent):
            return "", (False, False)
        words, pair = self.pick(self._TIMINGS)
        return " " + words, pair

    def explicit(self) -> str | None:
        return self.fresh_object_name() if self.chance(25) else None

    # -------------------------------------------------------- statements

    def statement(self) -> str:
        m = self.m
        options: list[str] = ["create_table"] * (4 - len(m.tables)) if len(m.tables) < 4 else []
        if m.tables:
            options += ["alter"] * 12 + ["create_index"] * 3 + ["rename_table"]
            if self._droppable_tables():
                options.append("drop_table")
            options += ["create_view"] if len(m.views) < 3 else []
        if m.views:
            options.append("drop_view")
        if m.indexes:
            options.append("drop_index")
        if len(m.enums) < 2:
            options.append("create_enum")
        if self.chance(30):  # enums are few, and their statements simple
            if any(not self._enum_users(e) for e in m.enums):
                options.append("drop_enum")
            if m.enums:
                options.append("rename_enum")
        options += self.type_statements()
        options += self.routine_options()
        options += self.attribute_options()
        choice = self.pick(options)
        return getattr(self, choice)()

    def _enum_users(self, enum: str) -> bool:
        return any(c.type.enum == enum for t in self.m.tables.values() for c in t.cols)

    # create table -------------------------------------------------

    def create_table(self) -> str:
        m = self.m
        name = self.fresh_table_name()
        cols: list[Col] = []
        inline: list[tuple[str, Con, str]] = []  # (column, constraint, clause) in written order
        ncols = self.integer(1, 5)
        pk_style = self.pick(["inline", "inline", "table", "none", "two"] if ncols >= 2 else ["inline", "table", "none"])
        pk_cols: list[str] = []
        entries: list[tuple[str, list[Con]]] = []  # lines of the statement and their constraints
        for i in range(ncols):
            before = len(inline)
            cname = self.fresh_column_name(cols)
            target = None
            if i > 0 and self.chance(25):
                kinds = [k for k in ("bigint", "int", "text") if m.fk_targets(k)]
                if kinds:
                    target = self.pick(m.fk_targets(self.pick(kinds)))
            if target is not None:
                ctype = target.col(target.pk.cols[0]).type  # type: ignore[union-attr]
                ctype = ColType(ctype.kind)
            elif i == 0 and pk_style != "none":
                ctype = ColType(self.pick(["bigint", "int", "text"]))
            else:
                ctype = self.col_type()
            col = Col(cname, ctype)
            type_text = ctype.mig(self.integer(0, 2))
            if ctype.kind in ("int", "bigint") and ctype.named is None and target is None and self.chance(30 if i == 0 else 8):
                type_text, mods = self.generated_column(col)
            else:
                mods = []
            is_pk = (i == 0 and pk_style in ("inline", "table", "two")) or (i == 1 and pk_style == "two")
            if is_pk:
                pk_cols.append(cname)
                col.not_null = True
                if pk_style == "inline":
                    cn = self.explicit()
                    con = Con(cn or "", "pk", [cname])
                    words, con.timing = self.timing(10)
                    clause = self.pick(["pk", "primary key"]) + words
                    inline.append((cname, con, clause))
                    mods.append(("constraint " + ident(cn) + " " if cn else "") + clause)
            if ctype.textual and self.chance(12):  # language v2: a collation, kept across type changes
                mods.insert(0, "collate " + self.pick(['"C"', '"POSIX"']))
            if not is_pk and self.chance(25):
                mods.append("not null")
                col.not_null = True
            elif not is_pk and col.generated is None and self.chance(10):
                mods.append("null")
            if self.chance(30) and target is None and col.generated is None:
                col.default = self.default_for(ctype)
                mods.append("default " + col.default)
            if self.chance(8 if is_pk else 15):  # on a key column: redundant, PostgreSQL merges it
                cn = self.explicit()
                con = Con(cn or "", "unique", [cname])
                words, con.timing = self.timing(20)
                inline.append((cname, con, "unique" + words))
                mods.append(("constraint " + ident(cn) + " " if cn else "") + "unique" + words)
            if self.chance(20):
                cn = self.explicit()
                tmpl = self.check_for(ctype)
                con = Con(cn or "", "check", [cname], check=tmpl)
                clause = f"check ({self.render_check(tmpl, [cname])})"
                inline.append((cname, con, clause))
                mods.append(("constraint " + ident(cn) + " " if cn else "") + clause)
            if target is not None:
                cn = self.explicit()
                clause = self.fk_clause(target)
                con = Con(cn or "", "fk", [cname], ref_table=target.name, ref_cols=list(target.pk.cols))  # type: ignore[union-attr]
                inline.append((cname, con, clause))
                mods.append(("constraint " + ident(cn) + " " if cn else "") + clause)
            cols.append(col)
            entries.append((f"{ident(cname)} {type_text}" + "".join(" " + x for x in mods),
                            [c for _, c, _ in inline[before:]]))
        table_cons: list[Con] = []
        tc_entries: list[tuple[str, list[Con]]] = []
        lines = []
        if pk_style in ("table", "two"):
            cn = self.explicit()
            con = Con(cn or "", "pk", pk_cols)
            words, con.timing = self.timing(10)
            table_cons.append(con)
            lines.append(("constraint " + ident(cn) + " " if cn else "") + f"primary key ({', '.join(map(ident, pk_cols))})"
                         + words)
            tc_entries.append((lines[-1], [con]))
        for _ in range(self.integer(0, 2)):
            kind = self.pick(["unique", "check", "fk"])
            cn = self.explicit()
            prefix = "constraint " + ident(cn) + " " if cn else ""
            if kind == "unique":
                ucols = self._some_columns(cols)
                words, timing = self.timing(20)
                table_cons.append(Con(cn or "", "unique", ucols, timing=timing))
                lines.append(prefix + f"unique ({', '.join(map(ident, ucols))})" + words)
                tc_entries.append((lines[-1], [table_cons[-1]]))
            elif kind == "check":
                ccols = self._some_columns(cols)
                if len(ccols) == 1:
                    tmpl = self.check_for(next(c for c in cols if c.name == ccols[0]).type)
                else:
                    tmpl = self.two_column_check(*(next(c for c in cols if c.name == x) for x in ccols))
                table_cons.append(Con(cn or "", "check", ccols, check=tmpl))
                lines.append(prefix + f"check ({self.render_check(tmpl, ccols)})")
                tc_entries.append((lines[-1], [table_cons[-1]]))
            else:
                candidates = [c for c in cols if c.type.key_kind and m.fk_targets(c.type.kind)]
                if not candidates:
                    continue
                local = self.pick(candidates)
                target = self.pick(m.fk_targets(local.type.kind))
                con = Con(cn or "", "fk", [local.name], ref_table=target.name, ref_cols=list(target.pk.cols))  # type: ignore[union-attr]
                table_cons.append(con)
                clause = self.fk_clause(target)
                lines.append(prefix + f"foreign key ({ident(local.name)}) " + clause)
                tc_entries.append((lines[-1], [con]))
        v2_generated = self.stored_generated_column(cols)  # language v2, after the table constraints
        if v2_generated is not None:
            entries.append(v2_generated)
        table = Tbl(name, cols, unlogged=self.chance(8))
        for entry in tc_entries:  # table constraints may stand among the columns: names follow written order
            entries.insert(self.integer(0, len(entries)) if self.chance(30) else len(entries), entry)
        lines = [text for text, _ in entries]
        table.cons = self._name_in_create(table, [c for _, cs in entries for c in cs])
        m.tables[name] = table
        body = ",\n  ".join(lines)
        return f"create {'unlogged ' if table.unlogged else ''}table {ident(name)} (\n  {body}\n)"

    def _some_columns(self, cols: list[Col]) -> list[str]:
        if len(cols) >= 2 and self.chance(40):
            a, b = self.draw(st.permutations([c.name for c in cols]))[:2]  # type: ignore[index]
            return [a, b]
        return [self.pick([c.name for c in cols])]

    def _name_in_create(self, table: Tbl, written: list[Con]) -> list[Con]:
        """The constraints PostgreSQL makes of one CREATE TABLE, named. Keys on the same column list
        merge into one (the primary key first, then the others in written order; an unnamed key
        takes the name of a named one merged into it). Names are chosen for check constraints, then
        the primary key, then unique constraints, then foreign keys, each in written order."""
        keys = sorted((c for c in written if c.kind in ("pk", "unique")), key=lambda c: c.kind != "pk")
        kept: list[Con] = []
        for c in keys:
            prior = next((k for k in kept if k.cols == c.cols and k.timing == c.timing), None)  # another timing: two keys
            if prior is None:
                kept.append(c)
            elif not prior.name:
                prior.name = c.name
        ordered = [c for c in written if c.kind not in ("pk", "unique") or any(c is k for k in kept)]
        connames = self.m.constraint_names() | {c.name for c in ordered if c.name}
        relnames = self.m.relation_names() | {table.name} | {c.name for c in ordered if c.name and c.kind in ("pk", "unique")}
        for c in ordered:
            if c.kind == "check" and not c.name:
                c.name = object_name(table.name, c.cols[0] if len(c.cols) == 1 else None, "check", connames)
                connames.add(c.name)
        for c in sorted((c for c in ordered if c.kind in ("pk", "unique")), key=lambda c: c.kind != "pk"):
            if not c.name:
                addition = None if c.kind == "pk" else "_".join(c.cols)
                c.name = object_name(table.name, addition, "pkey" if c.kind == "pk" else "key", connames | relnames)
                connames.add(c.name)
                relnames.add(c.name)
        for c in ordered:
            if c.kind == "fk" and not c.name:
                c.name = object_name(table.name, "_".join(c.cols), "fkey", connames)
                connames.add(c.name)
        return ordered

    # alter table ---------------------------------------------------

    def alter(self) -> str:
        table = self.pick(sorted(self.m.tables))
        actions = [self._some_alter_action(table)]
        # several actions in one statement, applied in order
        while self.chance(15) and len(actions) < 3:
            actions.append(self._some_alter_action(table))
        return f"alter table {ident(table)} " + ", ".join(actions)

    def _some_alter_action(self, table_name: str) -> str:
        """An action that fits the table (an add column fits any)."""
        for _ in range(4):
            action = self._alter_action(table_name)
            if action is not None:
                return action
        action = self._add_column(self.m.tables[table_name])
        assert action is not None
        return action

    def _alter_action(self, table_name: str) -> str | None:
        t = self.m.tables[table_name]
        options = ["add_column", "add_column", "rename_column", "set_default", "drop_default",
                   "set_not_null", "drop_not_null", "add_constraint", "add_constraint"]
        if len(t.cols) >= 2 and self._droppable_columns(t):
            options.append("drop_column")
        if self._type_changes(t):
            options += ["alter_type", "alter_type"]
        if self._droppable_constraints(t):
            options.append("drop_constraint")
        if any(not c.validated for c in t.cons):
            options += ["validate_constraint"] * 3
        if any(c.kind == "fk" for c in t.cons):
            options.append("alter_constraint")
        return getattr(self, "_" + self.pick(options))(t)

    def _add_column(self, t: Tbl) -> str | None:
        m = self.m
        name = self.fresh_column_name(t)
        target = None
        if self.chance(20):
            kinds = [k for k in ("bigint", "int", "text") if m.fk_targets(k)]
            if kinds:
                target = self.pick(m.fk_targets(self.pick(kinds)))
        ctype = ColType(target.col(target.pk.cols[0]).type.kind) if target else self.col_type()  # type: ignore[union-attr]
        col = Col(name, ctype)
        type_text = ctype.mig(self.integer(0, 2))
        mods: list[str] = []
        if ctype.kind in ("int", "bigint") and ctype.named is None and target is None and self.chance(10):
            type_text, mods = self.generated_column(col)
        new_cons: list[Con] = []
        if self.chance(30):
            mods.append("not null")
            col.not_null = True
        if target is None and col.generated is None and (self.chance(35) or ctype.kind == "enum"):
            col.default = self.default_for(ctype)
            mods.append("default " + col.default)
        if self.chance(15):
            words, timing = self.timing(20)
            new_cons.append(Con(self.explicit() or "", "unique", [name], timing=timing))
            mods.append(("constraint " + ident(new_cons[-1].name) + " " if new_cons[-1].name else "") + "unique" + words)
        if self.chance(15):
            tmpl = self.check_for(ctype)
            new_cons.append(Con(self.explicit() or "", "check", [name], check=tmpl))
            mods.append(("constraint " + ident(new_cons[-1].name) + " " if new_cons[-1].name else "")
                        + f"check ({self.render_check(tmpl, [name])})")
        if target is not None:
            con = Con(self.explicit() or "", "fk", [name], ref_table=target.name, ref_cols=list(target.pk.cols))  # type: ignore[union-attr]
            clause = self.fk_clause(target)
            if self.chance(40):
                clause += " not valid"
                con.validated = False
            new_cons.append(con)
            mods.append(("constraint " + ident(con.name) + " " if con.name else "") + clause)
        connames = self.m.constraint_names() | {c.name for c in new_cons if c.name}
        relnames = self.m.relation_names() | {c.name for c in new_cons if c.name and c.kind == "unique"}
        for kind, label in (("check", "check"), ("unique", "key"), ("fk", "fkey")):
            for c in new_cons:
                if c.kind == kind and not c.name:
                    c.name = object_name(t.name, name, label, connames | (relnames if kind == "unique" else set()))
                    connames.add(c.name)
                    relnames.add(c.name)
        t.cols.append(col)
        t.cons.extend(new_cons)
        word = self.pick(["add column", "add", "add column if not exists"])  # (v2: if not exists)
        return f"{word} {ident(name)} {type_text}" + "".join(" " + x for x in mods)

    def generated_column(self, col: Col) -> tuple[str, list[str]]:
        """Make an integer column serial or identity: its type as written, and its first modifiers."""
        col.not_null = True
        if self.chance(50):
            col.generated = "serial"
            return ("serial" if col.type.kind == "int" else self.pick(["bigserial", "serial8"])), []
        col.generated = "identity"
        clause = self.pick(["identity", "generated by default as identity", "generated always as identity"])
        if clause != "identity" and self.chance(40):  # language v2: the identity's sequence options
            clause += " (" + " ".join(self.pick([
                f"start with {self.integer(1, 100)}", f"increment by {self.integer(1, 5)}", "cache 1",
                "no cycle", "cycle", "no maxvalue"]) for _ in range(self.integer(1, 2))) + ")"
            if clause.count("start") > 1 or clause.count("increment") > 1 or clause.count("cache") > 1 \
                    or clause.count("cycle") > 1 or clause.count("maxvalue") > 1:
                clause = clause.split(" (")[0]
        return col.type.mig(self.integer(0, 2)), [clause]

    def stored_generated_column(self, cols: list[Col]) -> tuple[str, list[Con]] | None:
        """Language v2: sometimes a stored generated column over a plain number or text column."""
        sources = [c for c in cols if c.generated is None and c.type.kind in ("int", "bigint", "text", "varchar")]
        if not sources or not self.chance(12):
            return None
        src = self.pick(sources)
        name = self.fresh_column_name(cols)
        if src.type.kind in ("int", "bigint"):
            ctype, expr = ColType("bigint"), self.pick(["{0} * 2", "{0} + 1", "abs({0})"])
        else:
            ctype, expr = ColType("text"), self.pick(["lower({0})", "{0} || '!'", "upper({0})"])
        cols.append(Col(name, ctype, generated="stored", sources=(src.name,)))
        return f"{ident(name)} {ctype.mig()} generated always as ({expr.format(ident(src.name))}) stored", []

    def _computed_from(self, t: Tbl) -> set[str]:
        """Columns a stored generated column of the table is computed from."""
        return {s for c in t.cols for s in c.sources}

    def _droppable_columns(self, t: Tbl) -> list[Col]:
        referenced = self.m.referenced_columns(t.name) | self._computed_from(t) | self.m.view_columns(t.name)
        return [c for c in t.cols if c.name not in referenced]

    def _drop_column(self, t: Tbl) -> str:
        col = self.pick(self._droppable_columns(t))
        t.cols.remove(col)
        t.cons = [c for c in t.cons if col.name not in c.cols]
        for name, idx in list(self.m.indexes.items()):
            if idx.table == t.name and col.name in [c for _, c in idx.elems] + [idx.where]:
                del self.m.indexes[name]
        return self.pick(["drop column ", "drop ", "drop column if exists "]) + ident(col.name)

    def _rename_column(self, t: Tbl) -> str:
        col = self.pick(t.cols)
        old = col.name
        new = self.fresh_column_name(t)
        col.name = new
        for other in t.cols:
            other.sources = tuple(new if x == old else x for x in other.sources)
        for c in t.cons:
            c.cols = [new if x == old else x for x in c.cols]
        for _, fk in self.m.referencing(t.name):
            fk.ref_cols = [new if x == old else x for x in fk.ref_cols]
        for idx in self.m.indexes.values():
            if idx.table == t.name:
                idx.elems = [(k, new if c == old else c) for k, c in idx.elems]
                idx.where = new if idx.where == old else idx.where
        for v in self.m.views.values():  # views follow the rename
            if v.table == t.name:
                v.cols = [new if x == old else x for x in v.cols] if v.cols is not None else None
                v.where = new if v.where == old else v.where
        return f"rename column {ident(old)} to {ident(new)}"

    def _type_changes(self, t: Tbl) -> list[tuple[Col, ColType]]:
        changes: list[tuple[Col, ColType]] = []
        for c in t.cols:
            if (self.m.in_fk(t.name, c.name) or c.name in self._computed_from(t) or c.generated == "stored"
                    or c.name in self.m.view_columns(t.name) or c.type.named is not None):
                continue
            if c.type.kind == "int":
                changes.append((c, ColType("bigint")))
                in_check = any(k.kind == "check" and c.name in k.cols for k in t.cons) or any(
                    (kind, c.name) in i.elems for i in self.m.indexes.values() if i.table == t.name
                    for kind in ("plus", "coalesce"))
                if not in_check and c.generated != "identity":
                    changes.append((c, ColType("text")))
            elif c.type.kind == "varchar":
                assert c.type.n is not None
                changes.append((c, ColType("varchar", c.type.n + self.integer(1, 30))))
                changes.append((c, ColType("text")))
        return changes

    def _alter_type(self, t: Tbl) -> str:
        col, new = self.pick(self._type_changes(t))
        col.type = new
        word = self.pick(["alter column", "alter"])
        kw = self.pick(["type", "set data type"])
        return f"{word} {ident(col.name)} {kw} {new.mig(self.integer(0, 2))}"

    def _set_default(self, t: Tbl) -> str | None:
        cols = [c for c in t.cols if c.generated not in ("identity", "stored")]
        if not cols:
            return None
        col = self.pick(cols)
        col.default = self.default_for(col.type)
        return f"alter column {ident(col.name)} set default {col.default}"

    def _drop_default(self, t: Tbl) -> str | None:
        with_default = [c for c in t.cols if c.default is not None]
        plain = [c for c in t.cols if c.generated not in ("identity", "stored")]
        if not plain:
            return None
        col = self.pick(with_default) if with_default and self.chance(80) else self.pick(plain)
        col.default = None
        return f"alter column {ident(col.name)} drop default"

    def _set_not_null(self, t: Tbl) -> str:
        col = self.pick(t.cols)
        col.not_null = True
        return f"alter column {ident(col.name)} set not null"

    def _drop_not_null(self, t: Tbl) -> str | None:
        pk = t.pk
        cols = [c for c in t.cols if (pk is None or c.name not in pk.cols) and c.generated != "identity"]
        if not cols:
            return None
        col = self.pick(cols)
        col.not_null = False
        return f"alter column {ident(col.name)} drop not null"

    def _add_constraint(self, t: Tbl) -> str | None:
        m = self.m
        kinds = ["unique", "check", "check"]
        if t.pk is None:
            kinds.append("pk")
        fk_locals = [c for c in t.cols if c.type.key_kind and m.fk_targets(c.type.kind) and c.generated != "stored"]
        if fk_locals:
            kinds += ["fk", "fk"]
        kind = self.pick(kinds)
        cn = self.explicit()
        prefix = "add " + ("constraint " + ident(cn) + " " if cn else "")
        connames, relnames = m.constraint_names(), m.relation_names()
        if kind in ("unique", "pk"):
            cols = self._some_columns(t.cols)
            con = Con(cn or object_name(t.name, None if kind == "pk" else "_".join(cols),
                                        "pkey" if kind == "pk" else "key", connames | relnames), kind, cols)
            if kind == "pk":
                for c in cols:
                    t.col(c).not_null = True
            words, con.timing = self.timing(20)
            text = prefix + ("primary key" if kind == "pk" else "unique") + f" ({', '.join(map(ident, cols))})" + words
        elif kind == "check":
            cols = self._some_columns(t.cols)
            if len(cols) == 1:
                tmpl = self.check_for(t.col(cols[0]).type)
            else:
                tmpl = self.two_column_check(t.col(cols[0]), t.col(cols[1]))
            con = Con(cn or object_name(t.name, cols[0] if len(cols) == 1 else None, "check", connames),
                      "check", cols, check=tmpl)
            text = prefix + f"check ({self.render_check(tmpl, cols)})"
        else:
            local = self.pick(fk_locals)
            target = self.pick(m.fk_targets(local.type.kind))
            con = Con(cn or object_name(t.name, local.name, "fkey", connames), "fk", [local.name],
                      ref_table=target.name, ref_cols=list(target.pk.cols))  # type: ignore[union-attr]
            clause = self.fk_clause(target)
            if self.chance(50):
                clause += " not valid"
                con.validated = False
            text = prefix + f"foreign key ({ident(local.name)}) " + clause
        t.cons.append(con)
        return text

    def _droppable_constraints(self, t: Tbl) -> list[Con]:
        depended = [set(fk.ref_cols) for _, fk in self.m.referencing(t.name)]
        return [c for c in t.cons if not (c.kind in ("pk", "unique") and set(c.cols) in depended)]

    def _drop_constraint(self, t: Tbl) -> str:
        con = self.pick(self._droppable_constraints(t))
        t.cons.remove(con)
        return f"drop constraint {ident(con.name)}"

    def _validate_constraint(self, t: Tbl) -> str:
        con = self.pick([c for c in t.cons if not c.validated])
        con.validated = True
        return f"validate constraint {ident(con.name)}"

    def _alter_constraint(self, t: Tbl) -> str:
        """A foreign key's timing (the words set both parts: `initially immediate` alone makes it not
        deferrable too)."""
        con = self.pick([c for c in t.cons if c.kind == "fk"])
        words, con.timing = self.pick(self._TIMINGS)
        return f"alter constraint {ident(con.name)} {words}"

    # other statements ------------------------------------------------

    def rename_table(self) -> str:
        old = self.pick(sorted(self.m.tables))
        new = self.fresh_table_name()
        t = self.m.tables.pop(old)
        t.name = new
        self.m.tables[new] = t
        for other in self.m.tables.values():
            for c in other.cons:
                if c.ref_table == old:
                    c.ref_table = new
        for idx in self.m.indexes.values():
            if idx.table == old:
                idx.table = new
        for v in self.m.views.values():
            v.table = new if v.table == old else v.table
        self.m.freed_tables.add(old)
        return f"rename table {ident(old)} to {ident(new)}"

    def _droppable_tables(self) -> list[str]:
        return [n for n in sorted(self.m.tables) if all(f.name == n for f, _ in self.m.referencing(n))
                and not any(v.table == n for v in self.m.views.values())]

    def drop_table(self) -> str:
        name = self.pick(self._droppable_tables())
        del self.m.tables[name]
        for iname, idx in list(self.m.indexes.items()):
            if idx.table == name:
                del self.m.indexes[iname]
        self.m.freed_tables.add(name)
        return f"drop table {'if exists ' if self.chance(20) else ''}{ident(name)}"

    def create_index(self) -> str:
        t = self.m.tables[self.pick(sorted(self.m.tables))]
        elems: list[tuple[str, str]] = []
        for _ in range(self.integer(1, 2)):
            col = self.pick(t.cols)
            if col.type.textual and self.chance(40):
                elems.append(("lower", col.name))
            elif col.type.kind in ("int", "bigint") and self.chance(30):
                elems.append((self.pick(["plus", "coalesce"]), col.name))
            elif ("col", col.name) not in elems:
                elems.append(("col", col.name))
        unique = self.chance(25)
        name = self.explicit()
        if name is None:
            name = object_name(t.name, index_addition(elems), "idx", self.m.relation_names())
            written_name = ""
        else:
            written_name = ident(name) + " "
        rendered = []
        method = ""
        if not unique and len(elems) == 1 and elems[0][0] == "col" and self.chance(20):
            method = self.pick(["using hash ", "using btree "])
        for kind, col in elems:
            text = {"col": ident(col), "lower": f"lower({ident(col)})", "plus": f"({ident(col)} + 1)",
                    "coalesce": f"coalesce({ident(col)}, 0)"}[kind]
            if kind == "col" and method != "using hash " and t.col(col).type.textual and self.chance(15):
                text += " " + self.pick(["text_pattern_ops", "varchar_pattern_ops"] if t.col(col).type.kind == "varchar"
                                        else ["text_pattern_ops"])
            if self.chance(15) and method != "using hash ":
                text += " desc"
            rendered.append(text)
        where, where_col = "", None
        if self.chance(15):
            where_col = self.pick(t.cols).name
            where = f" where {ident(where_col)} is not null"
        self.m.indexes[name] = Idx(name, t.name, unique, elems, where_col)
        return (f"create {'unique ' if unique else ''}index {written_name}on {ident(t.name)} {method}"
                f"({', '.join(rendered)}){where}")

    def drop_index(self) -> str:
        name = self.pick(sorted(self.m.indexes))
        del self.m.indexes[name]
        return f"drop index {'if exists ' if self.chance(20) else ''}{ident(name)}"

    def create_enum(self) -> str:
        name = self.fresh_object_name()
        labels = self.draw(st.lists(st.sampled_from(["new", "old", "a b", "it's", "Done", "x"]),
                                    min_size=1, max_size=3, unique=True))
        self.m.enums[name] = list(labels)  # type: ignore[arg-type]
        return f"create enum {ident(name)} ({', '.join(string_literal(x) for x in labels)})"  # type: ignore[union-attr]

    def rename_enum(self) -> str:
        old = self.pick(sorted(self.m.enums))
        new = self.fresh_object_name()
        self.m.enums[new] = self.m.enums.pop(old)
        for t in self.m.tables.values():
            for c in t.cols:
                if c.type.enum == old:
                    c.type.enum = new
        return f"rename enum {ident(old)} to {ident(new)}"

    def drop_enum(self) -> str:
        name = self.pick(sorted(e for e in self.m.enums if not self._enum_users(e)))
        del self.m.enums[name]
        return f"drop enum {ident(name)}"

    # sequences, domains, composite types (language v2) ------------------------

    def type_statements(self) -> list[str]:
        """The v2 statements that fit the model now (a few: the tables stay the main subject)."""
        if not self.chance(35):
            return []
        m = self.m
        found = ["create_sequence", "create_domain", "create_composite"]
        if m.sequences:
            found += ["alter_sequence", "rename_sequence"]
            if any(not self._sequence_users(q) for q in m.sequences):
                found.append("drop_sequence")
        if m.domains:
            found += ["alter_domain"]
            if any(not self._type_users(d) for d in m.domains):
                found.append("drop_domain")
        if any(not self._type_users(c) for c in m.composites):
            found += ["drop_composite", "alter_composite"]
        return found

    def user_type(self) -> ColType:
        name = self.pick(sorted([*self.m.domains, *self.m.composites]))
        if name in self.m.domains:
            return ColType(self.m.domains[name], named=name)
        return ColType("composite", named=name)

    def _sequence_users(self, name: str) -> bool:
        text = nextval(name)
        return any(c.default == text for t in self.m.tables.values() for c in t.cols)

    def _type_users(self, name: str) -> bool:
        return any(c.type.named == name for t in self.m.tables.values() for c in t.cols)

    def _seq_options(self) -> str:
        options = []
        if self.chance(40):
            options.append(f"increment by {self.pick([2, 5, -1])}")
        if self.chance(30):
            options.append(f"cache {self.integer(1, 20)}")
        if self.chance(20):
            options.append(self.pick(["cycle", "no cycle"]))
        if self.chance(20):
            options.append(f"maxvalue {self.integer(1000, 100000)}" if "increment by -1" not in options
                           else "no maxvalue")
        return "".join(" " + o for o in options)

    def create_sequence(self) -> str:
        name = self.fresh(self.m.used | self.m.freed_tables | self.m.relation_names())
        self.m.used.add(name)
        self.m.sequences.add(name)
        kind = self.pick(["", " as integer", " as bigint"])
        start = f" start with {self.integer(1, 500)}" if self.chance(40) else ""
        options = self._seq_options()
        if "increment by -1" in options:
            start = ""
        return f"create sequence {ident(name)}{kind}{start}{options}"

    def alter_sequence(self) -> str:
        name = self.pick(sorted(self.m.sequences))
        options = self._seq_options() or " restart"
        if "increment by -1" in options:
            options = options.replace("increment by -1", "increment by 3")
        return f"alter sequence {ident(name)}{options}"

    def rename_sequence(self) -> str:
        old = self.pick(sorted(self.m.sequences))
        new = self.fresh(self.m.used | self.m.freed_tables | self.m.relation_names())
        self.m.used.add(new)
        self.m.sequences.discard(old)
        self.m.sequences.add(new)
        before, after = nextval(old), nextval(new)
        for t in self.m.tables.values():
            for c in t.cols:
                if c.default == before:
                    c.default = after
        if self.chance(50):
            return f"rename sequence {ident(old)} to {ident(new)}"
        return f"alter sequence {ident(old)} rename to {ident(new)}"

    def drop_sequence(self) -> str:
        name = self.pick(sorted(q for q in self.m.sequences if not self._sequence_users(q)))
        self.m.sequences.discard(name)
        return f"drop sequence {ident(name)}"

    def create_domain(self) -> str:
        name = self.fresh_object_name()
        base = self.pick(["int", "bigint", "text"])
        self.m.domains[name] = base
        text = f"create domain {ident(name)} as {base}"
        if self.chance(30):
            text += " default " + self.default_for(ColType(base), sequences=False)
        if self.chance(50):
            text += " check (" + self.render_check(self.check_for(ColType(base)), ["value"]).replace('"value"', "value") + ")"
        return text

    def alter_domain(self) -> str:
        name = self.pick(sorted(self.m.domains))
        base = ColType(self.m.domains[name])
        action = self.pick(["set default", "drop default", "add check", "rename"])
        if action == "set default":
            return f"alter domain {ident(name)} set default {self.default_for(base, sequences=False)}"
        if action == "add check":
            check = self.render_check(self.check_for(base), ["value"]).replace('"value"', "value")
            return f"alter domain {ident(name)} add check ({check}) not valid"
        if action == "rename":
            new = self.fresh_object_name()
            self.m.domains[new] = self.m.domains.pop(name)
            for t in self.m.tables.values():
                for c in t.cols:
                    if c.type.named == name:
                        c.type.named = new
            return f"alter domain {ident(name)} rename to {ident(new)}"
        return f"alter domain {ident(name)} drop default"

    def drop_domain(self) -> str:
        name = self.pick(sorted(d for d in self.m.domains if not self._type_users(d)))
        del self.m.domains[name]
        return f"drop domain {ident(name)}"

    def create_composite(self) -> str:
        name = self.fresh(self.m.used | self.m.freed_tables | self.m.relation_names())
        self.m.used.add(name)
        attributes = []
        for _ in range(self.integer(1, 3)):
            attributes.append(self.fresh(set(attributes), COLUMN_POOL))
        self.m.composites[name] = attributes
        body = ", ".join(f"{ident(a)} {self.pick(['int', 'text', 'bigint', 'varchar(10)'])}" for a in attributes)
        return f"create type {ident(name)} as ({body})"

    def alter_composite(self) -> str:
        name = self.pick(sorted(c for c in self.m.composites if not self._type_users(c)))
        attributes = self.m.composites[name]
        if len(attributes) > 1 and self.chance(50):
            gone = self.pick(attributes)
            attributes.remove(gone)
            return f"alter type {ident(name)} drop attribute {ident(gone)}"
        added = self.fresh(set(attributes), COLUMN_POOL)
        attributes.append(added)
        return f"alter type {ident(name)} add attribute {ident(added)} text"

    def drop_composite(self) -> str:
        name = self.pick(sorted(c for c in self.m.composites if not self._type_users(c)))
        del self.m.composites[name]
        return f"drop type {ident(name)}"


    # views ---------------------------------------------------------

    def create_view(self) -> str:
        t = self.m.tables[self.pick(sorted(self.m.tables))]
        name = self.fresh_object_name()
        alias = self.pick(["", " x", " as x"])
        prefix = "x." if alias else ""
        where = self.pick([None, *(c.name for c in t.cols)])
        if self.chance(25):
            cols, select = None, f"{prefix}*"
        else:
            cols = list(self.draw(st.lists(st.sampled_from([c.name for c in t.cols]), min_size=1, max_size=3,
                                           unique=True)))  # type: ignore[arg-type]
            select = ", ".join(prefix + ident(c) for c in cols)
        self.m.views[name] = Vw(name, t.name, cols, where)
        condition = f" where {prefix}{ident(where)} is not null" if where is not None else ""
        return f"create view {ident(name)} as select {select} from {ident(t.name)}{alias}{condition}"

    def drop_view(self) -> str:
        name = self.pick(sorted(self.m.views))
        del self.m.views[name]
        return f"drop view {ident(name)}"


    # functions, triggers, policies (kinds/function.py, trigger.py, policy.py) ------------------

    def routine_options(self) -> list[str]:
        m = self.m
        options = ["create_function"] * 2 if len(m.functions) < 3 else []
        if any(kind == "trigger" for kind in m.functions.values()) and m.tables:
            options += ["create_trigger"] * 3
        used = {f for t in m.tables.values() for f in t.triggers.values()}
        if any(f not in used for f in m.functions):
            options.append("drop_function")
        if m.functions:
            options.append("alter_function")
        if any(t.triggers for t in m.tables.values()):
            options.append("drop_trigger")
        if m.tables and self.chance(20):
            options.append("create_policy")
        if any(t.policies for t in m.tables.values()):
            options.append("drop_policy")
        return options

    def create_function(self) -> str:
        name = "fn_" + self.fresh_object_name()
        self.m.used.add(name)
        if self.chance(60):
            self.m.functions[name] = "trigger"
            return (f"create function {ident(name)}() returns trigger language plpgsql as $fn$\nbegin\n"
                    f"  return {self.pick(['new', 'null', 'old'])};\nend\n$fn$")
        self.m.functions[name] = "scalar"
        volatility = self.pick(["immutable", "stable", "volatile"])
        return f"create {'or replace ' if self.chance(20) else ''}function {ident(name)}(a int, b int default 1) " \
               f"returns int language sql {volatility} as $$ select a + b $$"

    def drop_function(self) -> str:
        used = {f for t in self.m.tables.values() for f in t.triggers.values()}
        name = self.pick(sorted(f for f in self.m.functions if f not in used))
        del self.m.functions[name]
        return f"drop function {'if exists ' if self.chance(20) else ''}{ident(name)}"

    # one option of a kind at most (PostgreSQL refuses conflicting ones)
    _FUNCTION_OPTIONS = (
        ("security definer", "security invoker"),
        ("set search_path = public, pg_temp", "set search_path to ''", "reset search_path"),
        ("set work_mem = '8MB'", "reset work_mem"),
        ("reset all",),
        ("cost 50", "cost 100"),
    )
    _SCALAR_OPTIONS = (
        ("immutable", "stable", "volatile"),
        ("strict", "called on null input"),
        ("parallel safe", "parallel restricted", "parallel unsafe"),
    )

    def alter_function(self) -> str:
        name = self.pick(sorted(self.m.functions))
        if self.chance(20):  # triggers follow (the names are unique: no overload, no built-in)
            new = "fn_" + self.fresh_object_name()
            self.m.used.add(new)
            self.m.functions[new] = self.m.functions.pop(name)
            for t in self.m.tables.values():
                t.triggers = {k: new if f == name else f for k, f in t.triggers.items()}
            return f"alter function {ident(name)} rename to {ident(new)}"
        groups = self._FUNCTION_OPTIONS + (self._SCALAR_OPTIONS if self.m.functions[name] == "scalar" else ())
        chosen = self.draw(st.lists(st.sampled_from(groups), min_size=1, max_size=3, unique=True))
        options = [self.pick(list(group)) for group in chosen]  # type: ignore[union-attr]
        return f"alter function {ident(name)} {' '.join(options)}"

    def create_trigger(self) -> str:
        t = self.m.tables[self.pick(sorted(self.m.tables))]
        function = self.pick(sorted(f for f, kind in self.m.functions.items() if kind == "trigger"))
        name = self.fresh_object_name()
        t.triggers[name] = function
        events = self.draw(st.lists(st.sampled_from(["insert", "update", "delete"]), min_size=1, max_size=3,
                                    unique=True))
        timing = self.pick(["before", "after"])
        each = self.pick(["row", "statement"])
        return (f"create trigger {ident(name)} {timing} {' or '.join(events)} on {ident(t.name)} "  # type: ignore[arg-type]
                f"for each {each} execute function {ident(function)}()")

    def drop_trigger(self) -> str:
        t = self.m.tables[self.pick(sorted(n for n, t in self.m.tables.items() if t.triggers))]
        name = self.pick(sorted(t.triggers))
        del t.triggers[name]
        return f"drop trigger {ident(name)} on {ident(t.name)}"

    def create_policy(self) -> str:
        t = self.m.tables[self.pick(sorted(self.m.tables))]
        name = self.fresh_object_name()
        t.policies.append(name)
        command = self.pick(["all", "select", "update", "delete"])
        return f"create policy {ident(name)} on {ident(t.name)} for {command} using (true)"

    def drop_policy(self) -> str:
        t = self.m.tables[self.pick(sorted(n for n, t in self.m.tables.items() if t.policies))]
        name = self.pick(t.policies)
        t.policies.remove(name)
        return f"drop policy {ident(name)} on {ident(t.name)}"


    # comments, grants, row-level security, extensions: attributes that must follow renames and drops
    # (and come back with a drop's down), and objects of their own -----------------------------------

    def attribute_options(self) -> list[str]:
        m = self.m
        options = ["comment_on"] * 2 if m.tables or m.views else []
        if m.tables:
            options += ["grant_public", "row_security"]
        if len(m.extensions) < 2 and self.chance(15):
            options.append("create_extension")
        if m.extensions and self.chance(30):
            options.append("drop_extension")
        return options

    def comment_on(self) -> str:
        m = self.m
        targets = [f"table {ident(t)}" for t in m.tables] + [f"view {ident(v)}" for v in m.views]
        targets += [f"column {ident(t.name)}.{ident(c.name)}" for t in m.tables.values() for c in t.cols]
        targets += [f"index {ident(i)}" for i in m.indexes]
        targets += [f"function {ident(f)}()" if kind == "trigger" else f"function {ident(f)}(int, int)"
                    for f, kind in m.functions.items()]
        targets += [f"trigger {ident(name)} on {ident(t.name)}" for t in m.tables.values() for name in t.triggers]
        targets += [f"policy {ident(name)} on {ident(t.name)}" for t in m.tables.values() for name in t.policies]
        text = self.pick(["'a note'", "'it''s a note'", "'ünïcode'", "null"])
        return f"comment on {self.pick(sorted(targets))} is {text}"

    def grant_public(self) -> str:
        m = self.m
        targets = [ident(t) for t in sorted(m.tables)] + [ident(v) for v in sorted(m.views)]
        sequences = [f"sequence {ident(q)}" for q in sorted(m.sequences)]
        on = self.pick(targets + sequences)
        kinds = ["usage", "select", "update"] if on in sequences else ["select", "insert", "update", "delete"]
        privileges = self.draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=3, unique=True))
        if self.chance(40):
            return f"revoke {', '.join(privileges)} on {on} from public"  # type: ignore[arg-type]
        return f"grant {', '.join(privileges)} on {on} to public"  # type: ignore[arg-type]

    def row_security(self) -> str:
        t = self.pick(sorted(self.m.tables))
        setting = self.pick(["enable", "disable", "force", "no force"])
        return f"alter table {ident(t)} {setting} row level security"

    def create_extension(self) -> str:
        name = self.pick(sorted({"citext", "pg_trgm", "hstore"} - self.m.extensions))
        self.m.extensions.add(name)
        return f"create extension {'if not exists ' if self.chance(50) else ''}{name}"

    def drop_extension(self) -> str:
        name = self.pick(sorted(self.m.extensions))
        self.m.extensions.discard(name)
        return f"drop extension {name}"


@st.composite
def histories(draw, min_migrations: int = 3, max_migrations: int = 8, max_statements: int = 4) -> History:  # type: ignore[no-untyped-def]
    gen = Generator(draw)
    migrations = []
    for _ in range(draw(st.integers(min_migrations, max_migrations))):
        count = draw(st.integers(1, max_statements))
        migrations.append(tuple(gen.statement() for _ in range(count)))
    return History(tuple(migrations))


# ---------------------------------------------------------------- databases and migc's model


@contextmanager
def scratch_database(server_url: str, prefix: str) -> Iterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def run_statements(url: str, statements: tuple[SqlStatement, ...], what: str, *,
                   non_transactional: bool = False) -> None:
    """Run a migration's statements as the runner does (runner/apply.py): one query string,
    `BEGIN; ...; COMMIT`, on a session with the runner's settings; statement by statement in
    autocommit only for a migration with `concurrently`. So what only fails inside one transaction
    (an enum label used in the transaction that adds it) fails here too."""
    from migc.errors import MigcError
    from migc.runner.apply import Script, run_statements as run_script
    from migc.runner.failure import MigrationRef
    from migc.runner.session import connect
    from migc.runner.urls import DatabaseTarget

    script = Script(MigrationRef(what, None, 0), "up", tuple(s.sql for s in statements),
                    tuple(s.description for s in statements), non_transactional,
                    tuple(s.origin for s in statements))
    with connect(DatabaseTarget(url, what)) as session:
        try:
            run_script(session, script)
        except MigcError as exc:
            raise AssertionError(f"{what}: PostgreSQL refused\n{exc.message}") from None


def write_history(history: History, directory: Path) -> Path:
    migrations = directory / "migrations"
    migrations.mkdir()
    for name, text in history.files():
        (migrations / name).write_text(text, encoding="utf-8")
    return migrations


def model_schemas(migrations_dir: Path) -> list[Schema]:
    """migc's modelled schema after each migration (the pipeline of compile_project, kept)."""
    files, _ = list_migrations(migrations_dir)
    schema, result = Schema(), []
    for f in files:
        text = f.content.decode("utf-8")
        migration, _ = parse(text, f.shown_path)
        assert migration is not None
        schema = lower_migration(migration, schema, f.shown_path).schema_after
        result.append(schema)
    return result


def names_in_model(schema: Schema) -> dict[str, Any]:
    """Per table (`schema.table`): the names of its columns, constraints, indexes (those of primary
    keys and unique constraints too) and owned sequences, as migc's model has them."""
    tables: dict[str, Any] = {}
    for name, table in schema.tables.items():
        indexes = {c.name for c in table.constraints if c.has_index} | {i.name.name for i in schema.indexes_of(name)}
        tables[f"{name.schema}.{name.name}"] = {
            "columns": sorted(c.name for c in table.columns),
            "constraints": sorted(c.name for c in table.constraints),
            "indexes": sorted(indexes),
            "sequences": sorted([f"{name.schema}.{c.sequence}" for c in table.columns if c.sequence]
                                + [f"{name.schema}.{s}" for c in table.columns for s in _owns(c)]),
        }
    return tables


def _owns(column: Any) -> tuple[str, ...]:
    """The sequences a column owns through `alter sequence ... owned by` (kinds/sequence.py)."""
    owns = column.attr("owns")
    return owns if isinstance(owns, tuple) else ()


def names_in_catalog(catalog: Catalog) -> dict[str, Any]:
    """The same names as PostgreSQL's catalog has them (a snapshot from migc.runner.catalog)."""
    tables: dict[str, Any] = {}
    for key, t in catalog["tables"].items():
        owned = [s for s, seq in catalog["sequences"].items() if (seq["owned_by"] or "").rsplit(".", 1)[0] == key]
        tables[key] = {"columns": sorted(t["columns"]), "constraints": sorted(t["constraints"]),
                       "indexes": sorted(t["indexes"]), "sequences": sorted(owned)}
    return tables


def expect_no_differences(a: Any, b: Any, a_name: str, b_name: str, what: str) -> None:
    differences = describe_differences(a, b, a_name, b_name)
    assert not differences, what + ":\n  " + "\n  ".join(differences)
