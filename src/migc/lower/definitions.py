"""Column definitions and constraints, which `create table`, `add column` and `add constraint` share:
building them, checking them, and naming them as PostgreSQL would (sequences, then checks, then
primary key / unique indexes, then foreign keys)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from migc import expr as ex
from migc import quoting
from migc.ir.model import Column, Constraint, Exclusion, ForeignKey, Index, IndexElement, Name, Table
from migc.lower import names
from migc.lower.context import Lowering
from migc.lower.exprcheck import check_boolean, check_columns, check_default, columns_by_name
from migc.lower.generated import check_collation, check_generated, identity_options
from migc.source import Span
from migc.syntax import ast


@dataclass
class Pending:
    """A constraint before it has its final name."""

    kind: str
    explicit: ast.Ident | None
    columns: tuple[str, ...]
    span: Span
    check: ex.Expr | None = None
    references: ForeignKey | None = None  # set once resolved
    fk_source: ast.ForeignKeyRef | None = None
    not_valid: bool = False
    exclusion: Exclusion | None = None
    timing: ast.ConstraintTiming | None = None

    @property
    def deferrable(self) -> bool:
        return self.timing is not None and self.timing.resolved()[0]

    def same_timing(self, other: Pending) -> bool:
        return self.timing_pair() == other.timing_pair()

    def timing_pair(self) -> tuple[bool, bool]:
        return self.timing.resolved() if self.timing is not None else (False, False)

    def build(self, name: str) -> Constraint:
        check_columns = self.check.column_names() if self.check is not None else ()
        deferrable, deferred = self.timing_pair()
        return Constraint(name, self.kind, check_columns if self.kind == "check" else self.columns,
                          self.check, self.references, not self.not_valid, self.exclusion,
                          deferrable=deferrable, initially_deferred=deferred)


def build_column(lw: Lowering, table_name: Name, cdef: ast.ColumnDef) -> tuple[Column, list[Pending]] | None:
    """A column and the constraints written on it; None if its type is unknown."""
    lw.check_ident(cdef.name)
    resolved = lw.resolve_type(cdef.type, allow_serial=True)
    if resolved is None:
        return None
    sql_type, serial = resolved
    col = Column(cdef.name.value, sql_type, not_null=serial, serial=sql_type.name if serial else None)
    pending: list[Pending] = []
    seen_null: ast.ColumnModifier | None = None
    for mod in cdef.modifiers:
        if mod.constraint_name is not None:
            lw.check_ident(mod.constraint_name)
        match mod.kind:
            case "pk":
                col = replace(col, not_null=True)
                pending.append(Pending("primary key", mod.constraint_name, (col.name,), mod.span, timing=mod.timing))
            case "unique":
                pending.append(Pending("unique", mod.constraint_name, (col.name,), mod.span, timing=mod.timing))
            case "not null" | "null":
                if mod.timing is not None:
                    not_deferrable(lw, "not null", mod.timing)
                if seen_null is not None and seen_null.kind != mod.kind:
                    lw.bag.error("E216", mod.span, f"column '{col.name}' is declared both null and not null")
                seen_null = mod
                if mod.kind == "not null":
                    col = replace(col, not_null=True)
            case "default":
                assert mod.expr is not None
                if serial or col.identity or col.generated is not None:
                    lw.bag.error("E216", mod.span, f"column '{col.name}' has a generated value and a default")
                elif col.default is not None:
                    lw.bag.error("E216", mod.span, f"column '{col.name}' has more than one default")
                check_default(lw, mod.expr, col)
                col = replace(col, default=mod.expr)
            case "check":
                assert mod.expr is not None
                pending.append(Pending("check", mod.constraint_name, (col.name,), mod.span, check=mod.expr,
                                       timing=mod.timing))
            case "references":
                assert mod.references is not None
                fk = mod.references
                pending.append(Pending("foreign key", mod.constraint_name, (col.name,), mod.span,
                                       fk_source=fk, not_valid=fk.not_valid, timing=mod.timing))
            case "identity":
                if serial or col.default is not None or col.generated is not None:
                    lw.bag.error("E216", mod.span, f"column '{col.name}' has a generated value and a default")
                if sql_type.name not in ("smallint", "integer", "bigint") or sql_type.array_dims:
                    lw.bag.error("E216", mod.span, f"identity column '{col.name}' must be smallint, integer or bigint")
                options = identity_options(lw, col.name, sql_type, mod.options, mod.span) or ()
                col = replace(col, identity="always" if mod.identity_always else "by default", not_null=True,
                              identity_options=options)
            case "generated":
                assert mod.expr is not None
                if serial or col.identity or col.default is not None or col.generated is not None:
                    lw.bag.error("E216", mod.span, f"column '{col.name}' has a generated value and a default")
                col = replace(col, generated=mod.expr)
            case "collate":
                assert mod.collation is not None
                qn = mod.collation
                if check_collation(lw, col.name, sql_type, mod.span):
                    col = replace(col, collation=(qn.schema.value, qn.name.value) if qn.schema else (qn.name.value,))
    if seen_null is not None and seen_null.kind == "null" and any(p.kind == "primary key" for p in pending):
        lw.bag.error("E216", seen_null.span, f"primary key column '{col.name}' cannot be null")
    elif seen_null is not None and seen_null.kind == "null" and col.identity:
        lw.bag.error("E216", seen_null.span, f"identity column '{col.name}' cannot be null")
    return col, pending


def generated_ok(lw: Lowering, table: Table) -> bool:
    """Check every generated column's expression against the table's (final) columns."""
    columns = columns_by_name(table.columns)
    ok = True
    for column in table.columns:
        if column.generated is not None:
            ok = check_generated(lw, table.name.display(), columns, column, column.generated) and ok
    return ok


def table_constraint(tc: ast.TableConstraint) -> Pending:
    cols = tuple(c.value for c in tc.columns)
    if tc.kind == "check":
        return Pending("check", tc.name, (), tc.span, check=tc.expr, not_valid=tc.not_valid, timing=tc.timing)
    if tc.kind == "exclude":
        assert tc.exclusion is not None
        spec = tc.exclusion
        exclusion = Exclusion(spec.method or "btree", tuple((IndexElement(e.expr), e.operator) for e in spec.elements),
                              spec.where)
        mentioned: dict[str, None] = {}
        for e in [*(el.expr for el in spec.elements), *([spec.where] if spec.where is not None else [])]:
            mentioned.update(dict.fromkeys(e.column_names()))
        return Pending("exclude", tc.name, tuple(mentioned), tc.span, exclusion=exclusion, timing=tc.timing)
    if tc.kind == "foreign key":
        assert tc.references is not None
        return Pending("foreign key", tc.name, cols, tc.span, fk_source=tc.references,
                       not_valid=tc.references.not_valid, timing=tc.timing)
    return Pending(tc.kind, tc.name, cols, tc.span, timing=tc.timing)


def not_deferrable(lw: Lowering, what: str, timing: ast.ConstraintTiming) -> None:
    """E259: only keys, exclusion constraints and foreign keys have a timing (PostgreSQL: "CHECK
    constraints cannot be marked DEFERRABLE", "misplaced DEFERRABLE clause")."""
    lw.bag.error("E259", timing.span, f"a {what} constraint cannot be deferrable (nor say its timing)",
                 "only primary keys, unique, exclusion and foreign key constraints can be deferred")


def timing_ok(lw: Lowering, timing: ast.ConstraintTiming | None) -> bool:
    """E260: `not deferrable initially deferred` (PostgreSQL: "constraint declared INITIALLY
    DEFERRED must be DEFERRABLE")."""
    if timing is None or not timing.conflicting:
        return True
    lw.bag.error("E260", timing.span, "a constraint declared initially deferred must be deferrable",
                 "write deferrable initially deferred, or not deferrable (initially immediate)")
    return False


def resolve(lw: Lowering, table: Table, pending: list[Pending]) -> list[Constraint] | None:
    """Check every pending constraint against `table` (which already has all its columns) and name
    it; None when any of them is wrong."""
    ok = True
    pending = _without_redundant_keys(pending)
    columns = columns_by_name(table.columns)
    pks = [p for p in pending if p.kind == "primary key"]
    if table.primary_key is not None and pks:
        lw.bag.error("E208", pks[0].span, f"table '{table.name.display()}' already has a primary key "
                     f"'{table.primary_key.name}'")
        ok = False
    for extra in pks[1:]:
        lw.bag.error("E208", extra.span, f"table '{table.name.display()}' has more than one primary key")
        ok = False
    for p in pending:
        if p.timing is not None and p.kind == "check":
            not_deferrable(lw, "check", p.timing)
            ok = False
        elif not timing_ok(lw, p.timing):
            ok = False
        for col in p.columns:
            if col not in columns:
                lw.bag.error("E103", p.span, f"table '{table.name.display()}' has no column '{col}'")
                ok = False
        if p.kind == "check" and p.check is not None:
            mark = lw.bag.mark()
            check_boolean(lw, p.check, columns, table.name.display(), "check expression")
            ok = ok and not lw.bag.errors_since(mark)
        if p.kind == "foreign key":
            ok = _resolve_fk(lw, table, p, [q for q in pending if q.kind in ("primary key", "unique")]) and ok
        if p.kind == "exclude" and p.exclusion is not None and all(col in columns for col in p.columns):
            ok = check_exclusion(lw, table, columns, p.exclusion, p.span) and ok
    return _name_all(lw, table, pending) if ok else None


# access methods that can back an exclusion constraint (amgettuple): not gin, not brin
_EXCLUSION_METHODS = frozenset({"btree", "hash", "gist", "spgist"})
# operators that are not commutative: PostgreSQL refuses them in an exclusion constraint
_NOT_COMMUTATIVE = frozenset({"<", ">", "<=", ">=", "@>", "<@", "<<", ">>", "->", "->>", "#>", "#>>", "||", "~", "!~",
                              "~*", "!~*", "?", "?|", "?&", "#-", "@@", "<->"})


def check_exclusion(lw: Lowering, table: Table, columns: dict[str, Column], exclusion: Exclusion, span: Span) -> bool:
    mark = lw.bag.mark()
    what = "exclusion constraint"
    if exclusion.method not in _EXCLUSION_METHODS:
        lw.bag.error("E226", span, f"{what}: index method '{exclusion.method}' cannot back an exclusion constraint",
                     "use gist (or btree, hash, spgist)")
    for element, operator in exclusion.elements:
        check_columns(lw, element.expr, columns, table.name.display(), what)
        if operator in _NOT_COMMUTATIVE:
            lw.bag.error("E226", element.expr.span, f"{what}: operator {operator} is not commutative",
                         "an exclusion constraint compares each pair of rows both ways: use =, <> or && (overlaps)")
    if exclusion.where is not None:
        check_boolean(lw, exclusion.where, columns, table.name.display(), f"{what} predicate")
    return not lw.bag.errors_since(mark)


def _resolve_fk(lw: Lowering, table: Table, p: Pending, new_keys: list[Pending]) -> bool:
    """Foreign keys are resolved once the table has all its columns: a table may reference itself,
    through keys declared in the same statement (`new_keys`)."""
    source = p.fk_source
    assert source is not None
    target_name = lw.name(source.table)
    if target_name is None:
        return False
    target = table if target_name == table.name else lw.schema.tables.get(target_name)
    if target is None:
        lw.unknown(target_name, "E101", source.table.span, f"foreign key references unknown table '{target_name.display()}'")
        return False
    if target.unlogged and not table.unlogged:  # PostgreSQL: 42P16
        lw.bag.error("E225", source.table.span, f"logged table '{table.name.display()}' cannot reference unlogged "
                     f"table '{target_name.display()}'",
                     "make both unlogged, or the referenced table logged (alter table ... set logged)")
        return False
    own_keys = new_keys if target is table else []
    ref_cols = tuple(c.value for c in source.columns)
    deferrable_pk = False
    if not ref_cols:
        pk = target.primary_key
        if pk is None:
            pk = next((Constraint("", "primary key", q.columns, deferrable=q.deferrable)
                       for q in own_keys if q.kind == "primary key"), None)
        if pk is None:
            lw.bag.error("E202", source.table.span, f"table '{target_name.display()}' has no primary key to reference",
                         "name the referenced column: references table (column)")
            return False
        ref_cols = pk.columns
        deferrable_pk = pk.deferrable  # PostgreSQL takes the primary key itself, and refuses a deferrable one
    if len(ref_cols) != len(p.columns):
        lw.bag.error("E204", source.span, f"foreign key has {len(p.columns)} column(s) but references {len(ref_cols)}")
        return False
    for local, remote in zip(p.columns, ref_cols):
        lcol, rcol = table.column(local), target.column(remote)
        if rcol is None:
            lw.bag.error("E103", source.span, f"table '{target_name.display()}' has no column '{remote}'")
            return False
        if lcol is not None and (lcol.type.name, lcol.type.array_dims, lcol.type.schema) != (
            rcol.type.name, rcol.type.array_dims, rcol.type.schema
        ):
            lw.bag.error("E203", p.span, f"foreign key column '{local}' is {lcol.type.display()} but "
                         f"'{target_name.display()}.{remote}' is {rcol.type.display()}",
                         f"make both columns {rcol.type.display()}")
            return False
    # (columns, deferrable): PostgreSQL only takes an immediate key (indimmediate)
    keys = [(set(c.columns), c.deferrable) for c in target.constraints if c.has_index]
    keys += [(set(q.columns), q.deferrable) for q in own_keys]
    keys += [({e.expr.name.value for e in i.elements if isinstance(e.expr, ex.ColumnRef)}, False)
             for i in lw.schema.indexes_of(target.name) if _plain_unique(i)]
    matching = [deferrable for columns, deferrable in keys if columns == set(ref_cols)]
    if not matching:
        lw.bag.error("E202", source.span, f"foreign key references {target_name.display()} ({', '.join(ref_cols)}), "
                     "which is not a primary key or unique",
                     f"add a unique constraint on {target_name.display()} ({', '.join(ref_cols)}) first")
        return False
    if deferrable_pk:
        lw.bag.error("E261", source.span, f"foreign key references the primary key of {target_name.display()}, which "
                     "is deferrable: PostgreSQL cannot use a deferrable primary key for a referenced table",
                     f"make the primary key not deferrable, or name the columns of a unique constraint that is not: "
                     f"references {target_name.display()} (...)")
        return False
    if all(matching):
        lw.bag.error("E261", source.span, f"foreign key references {target_name.display()} ({', '.join(ref_cols)}), "
                     "whose unique constraint is deferrable: PostgreSQL cannot use a deferrable unique constraint "
                     "for a referenced table",
                     f"make it not deferrable, or add a unique constraint on {target_name.display()} "
                     f"({', '.join(ref_cols)}) that is not")
        return False
    p.references = ForeignKey(target_name, ref_cols, source.on_delete, source.on_update)
    return True


def _without_redundant_keys(pending: list[Pending]) -> list[Pending]:
    """PostgreSQL keeps one index per key: `unique unique`, or `pk unique`, on the same columns make
    one constraint (the primary key wins; an unnamed one takes the other's name)."""
    keys = sorted((p for p in pending if p.kind in ("primary key", "unique")), key=lambda q: (q.span.line, q.span.col))
    pk = next((p for p in keys if p.kind == "primary key"), None)
    final = [pk] if pk is not None else []
    redundant: set[int] = set()
    for p in keys:
        if p.kind == "primary key":
            continue  # a second primary key is never merged away: it is an error (E208)
        prior = next((q for q in final if q.columns == p.columns and q.same_timing(p)), None)
        if prior is None:
            final.append(p)
            continue
        if prior.explicit is None:
            prior.explicit = p.explicit
        redundant.add(id(p))
    return [p for p in pending if id(p) not in redundant]


def _plain_unique(index: Index) -> bool:
    """A unique index over plain columns, without a predicate, can back a foreign key too."""
    return index.unique and index.where is None and all(isinstance(e.expr, ex.ColumnRef) for e in index.elements)


def _name_all(lw: Lowering, table: Table, pending: list[Pending]) -> list[Constraint] | None:
    schema = table.name.schema
    relnames = names.Taken(lw.schema.relation_names(schema), {c.sequence for c in table.columns if c.sequence})
    connames = names.Taken(lw.schema.constraint_names(schema), {c.name for c in table.constraints})
    # PostgreSQL 18 names every NOT NULL (ChooseConstraintName(table, column, "not_null")): an explicit
    # constraint may not take one of those names (older servers would allow it; migc refuses it always)
    not_null_names = {names.make_object_name(table.name.name, c.name, "not_null"): c.name
                      for c in table.columns if c.not_null}
    pk_columns = {c for p in pending if p.kind == "primary key" for c in p.columns}
    not_null_names.update({names.make_object_name(table.name.name, c, "not_null"): c for c in pk_columns})
    ok = True
    own_names = {c.name for c in table.constraints}  # a check or foreign key name is unique per table only
    for p in pending:  # explicit names first: PostgreSQL refuses duplicates
        if p.explicit is None:
            continue
        indexed = p.kind in ("primary key", "unique", "exclude")
        in_use = p.explicit.value in own_names or (indexed and (p.explicit.value in relnames
                                                                or p.explicit.value in connames))
        if in_use or p.explicit.value in not_null_names:
            why = f"PostgreSQL 18 gives it to the not null of column '{not_null_names[p.explicit.value]}'" \
                if not in_use else (f"it is already taken in schema '{schema}'" if indexed else
                                    f"table '{table.name.display()}' already has a constraint of that name")
            lw.bag.error("E108", p.explicit.span, f"constraint name '{p.explicit.value}' cannot be used: {why}")
            ok = False
        connames.add(p.explicit.value)
        own_names.add(p.explicit.value)
        if indexed:
            relnames.add(p.explicit.value)
    if not ok:
        return None
    chosen: dict[int, str] = {}
    tname = table.name.name
    pending = sorted(pending, key=lambda q: (q.span.line, q.span.col))  # PostgreSQL names in written order
    for p in pending:
        if p.kind == "check" and p.explicit is None:
            cols = p.check.column_names() if p.check is not None else ()
            chosen[id(p)] = names.choose_name(tname, cols[0] if len(cols) == 1 else None, "check", connames)
            connames.add(chosen[id(p)])
    # the primary key's index is built first, then the others in order
    for p in sorted(pending, key=lambda q: q.kind != "primary key"):
        if p.kind in ("primary key", "unique", "exclude") and p.explicit is None:
            label = {"primary key": "pkey", "unique": "key", "exclude": "excl"}[p.kind]
            addition = None if p.kind == "primary key" else names.join_column_names(p.columns)
            if p.exclusion is not None:  # ChooseIndexColumnNames of the index's elements
                addition = names.join_column_names(names.index_column_names(e.expr for e, _ in p.exclusion.elements))
            chosen[id(p)] = names.choose_name(tname, addition, label, names.Taken(relnames, connames))
            relnames.add(chosen[id(p)])
            connames.add(chosen[id(p)])
    for p in pending:
        if p.kind == "foreign key" and p.explicit is None:
            chosen[id(p)] = names.choose_name(tname, names.join_column_names(p.columns), "fkey", connames)
            connames.add(chosen[id(p)])
    return [p.build(p.explicit.value if p.explicit else chosen[id(p)]) for p in pending]


def sequence_name(lw: Lowering, table: Name, column: str, also_taken: set[str]) -> str:
    return names.choose_name(table.name, column, "seq", names.Taken(lw.schema.relation_names(table.schema), also_taken))


def with_sequences(lw: Lowering, table: Name, columns: list[Column]) -> list[Column]:
    """serial and identity columns own a sequence named table_column_seq (numbered on collision)."""
    taken: set[str] = set()
    result = []
    for c in columns:
        if c.serial or c.identity:
            seq = sequence_name(lw, table, c.name, taken)
            taken.add(seq)
            c = replace(c, sequence=seq, default=nextval(Name(table.schema, seq)) if c.serial else c.default)
        result.append(c)
    return result


def nextval(sequence: Name) -> ex.Expr:
    """nextval('"schema"."seq"'::regclass), the default PostgreSQL gives a serial column."""
    text = quoting.qualified(sequence.schema, sequence.name)  # the regclass text names it as SQL would
    regclass = ex.TypeRef(ex.QName(None, ex.Ident("regclass")), (), 0)
    return ex.FuncCall(ex.QName(None, ex.Ident("nextval")), (ex.Cast(ex.Literal("string", text), regclass),))
