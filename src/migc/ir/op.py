"""What every schema-change op is: the base class each statement kind's ops derive from.

An op is a frozen dataclass named as a verb (`CreateTableOp`, `AddColumnOp`), made by lowering from
one statement (or one action of an `alter table`) after it was checked against the schema. It owns,
as Django's `Operation` does:

- `apply(schema)`: the state transition (Django's `state_forwards`); it trusts the op;
- `invert()`: the ops that undo it. An op that destroys something carries what is needed to
  re-create it, taken from the schema at lowering time, so `invert()` needs nothing else;
- `describe()`: the `-- description` above its SQL, and how messages name it;
- `TEMPLATE`: its SQL, a Jinja2 template rendered with `op` (codegen/postgres.py); an op that is one
  action of ALTER TABLE gives `ACTION` instead (see `TableAction`);
- its lint facts: `lock()`, the existing table it locks in a way that queues other queries, and
  `creates()` / `renames()`, what it brings into being or renames (which also tells lints which
  tables a migration made itself, and the editor where an object came from).

tests/test_completeness.py fails when an op class lacks any of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from migc.ir.model import Constraint, Name, ObjectRef
from migc.source import Span

if TYPE_CHECKING:
    from migc.ir.schema import Schema


class Irreversible(Exception):
    """Raised by `invert()` of an op that has no inverse."""


@dataclass(frozen=True, slots=True)
class DownRisk:
    """What an op's derived down cannot give back as it was.

    kind "data": the down can change or reject values written since the up (a type narrowed back
    rounds them; a key re-added over a column that came back empty fails): `migc down` refuses it
    without --allow-data-loss, and W003 says so at check time. kind "nullable": a dropped `not null`
    column comes back nullable (its values are gone, and PostgreSQL cannot add a not null column
    empty to a table with rows); `verify` expects exactly that difference."""

    kind: str  # "data" | "nullable"
    table: Name
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class Lock:
    """A lock an op takes on an existing table, which every later query on it queues behind."""

    table: Name
    level: str  # "ACCESS EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE"


class Op:
    __slots__ = ()
    span: Span
    TEMPLATE: ClassVar[str]

    def apply(self, schema: Schema) -> Schema:
        raise NotImplementedError(type(self).__name__)

    def invert(self) -> tuple[Op, ...]:
        raise NotImplementedError(type(self).__name__)

    def describe(self) -> str:
        raise NotImplementedError(type(self).__name__)

    def lock(self) -> Lock | None:
        raise NotImplementedError(type(self).__name__)

    def creates(self) -> tuple[ObjectRef, ...]:
        return ()

    def renames(self) -> tuple[ObjectRef, ObjectRef] | None:
        return None

    def verbatim_sql(self) -> str | None:
        """SQL the user wrote (raw `sql`): emitted as one statement, as written; opaque to the model."""
        return None

    def down_risks(self) -> tuple[DownRisk, ...]:
        """What this op's inverse cannot give back as it was (see DownRisk)."""
        return ()


# PostgreSQL's AlterTablePass (src/backend/commands/tablecmds.c): ALTER TABLE runs its actions pass
# by pass, in written order within a pass.
PASS_DROP = 0
PASS_ALTER_TYPE = 1
PASS_ADD_COL = 2
PASS_ADD_CONSTR = 6
PASS_COL_ATTRS = 7
PASS_ADD_OTHERCONSTR = 10
PASS_MISC = 11


class TableAction(Op):
    """An op that is one action of ALTER TABLE on `table`.

    `ACTION` is the action's SQL (`ADD COLUMN ...`); `BEFORE` and `AFTER` are whole statements that
    must run before or after the ALTER TABLE (a serial column's sequence). The actions of one
    `alter table` statement are emitted as one ALTER TABLE, so PostgreSQL rewrites the table once,
    as long as PostgreSQL would run them in written order: its passes (`PASS`) must not go down.
    """

    __slots__ = ()
    table: Name
    ACTION: ClassVar[str]
    BEFORE: ClassVar[str] = ""
    AFTER: ClassVar[str] = ""
    PASS: ClassVar[int]

    def around(self) -> bool:
        """Has it statements of its own around the ALTER TABLE (to render `BEFORE` / `AFTER`)?"""
        return bool(self.BEFORE or self.AFTER)

    def touches(self) -> frozenset[str]:
        """The columns (`column:x`) and constraints (`constraint:x`) of the table this action reads or changes."""
        raise NotImplementedError(type(self).__name__)

    def merge_conflict(self, other: TableAction) -> bool:
        """Can `other` (a later action) not join this one in one ALTER TABLE, passes aside?"""
        return False


def columns_touched(*names: str) -> frozenset[str]:
    return frozenset(f"column:{n}" for n in names)


def constraint_touched(constraint: Constraint) -> frozenset[str]:
    """A constraint: its name and every column it mentions."""
    return frozenset({f"constraint:{constraint.name}"}) | columns_touched(*constraint.columns)


__all__ = ["DownRisk", "Irreversible", "Lock", "Op", "TableAction", "columns_touched", "constraint_touched"]
