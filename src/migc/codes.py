"""Every diagnostic code migc reports: one registry, used at run time.

Codes are stable: tests, users' `-- migc: allow` comments and `[lint]` settings name them. E = error
(nothing is applied), W = warning (safe-migration lints; `--strict` makes them fail). Each code has
its section in docs/diagnostics.md (`anchor`). Reporting a code that is not here, or with the other
severity, is a bug that the diagnostics collector refuses at once; `[lint]` settings and allow
comments that name an unknown code are the user's mistake, and are reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: str  # "error" | "warning"
    summary: str

    @property
    def anchor(self) -> str:
        """Where docs/diagnostics.md explains it."""
        return f"docs/diagnostics.md#{self.code.lower()}"


_ERRORS = {
    "E001": "syntax error",
    "E002": "bad migration file (name, encoding, unreadable)",
    "E003": "duplicate migration version",
    "E004": "identifier longer than 63 bytes",
    "E005": "unknown diagnostic code in an allow comment",
    "E101": "unknown table",
    "E102": "duplicate table (or relation name already taken)",
    "E103": "unknown column",
    "E104": "duplicate column",
    "E105": "unknown index",
    "E106": "duplicate index",
    "E107": "unknown constraint",
    "E108": "duplicate constraint",
    "E109": "unknown enum",
    "E110": "duplicate enum (or type name already taken)",
    "E111": "unknown schema",
    "E112": "duplicate schema",
    "E113": "unknown type",
    "E114": "bad type modifier (varchar(n) with n < 1, numeric precision outside 1..1000, ...)",
    "E201": "default does not fit the column's type",
    "E202": "foreign key to columns that are not a primary key or unique",
    "E203": "foreign key column type differs from the referenced column's",
    "E204": "foreign key column count differs from the referenced columns'",
    "E205": "dropping a column (or constraint) that a foreign key depends on",
    "E206": "dropping a table that another table's foreign key references",
    "E207": "`concurrently` in a migration with other statements",
    "E208": "more than one primary key",
    "E209": "table with no columns",
    "E210": "column reference in a default",
    "E211": "check or where expression is not boolean",
    "E212": "explicit down does not restore the schema",
    "E213": "type change needs `using` (no automatic conversion)",
    "E214": "enum label duplicate or unknown",
    "E215": "dropping an enum or schema still in use",
    "E216": "conflicting column modifiers",
    "E217": "operation not allowed on this object",
    "E218": "enum label used in the migration that adds it",
    "E219": "unknown function",
    # functions, procedures, triggers, policies, grants (language v2)
    "E240": "bad function or procedure definition (no language, no body, a return type it cannot have...)",
    "E241": "bad trigger (its function does not return trigger, old/new where there is none, ...)",
    "E242": "duplicate function, procedure, trigger or policy",
    "E243": "`create or replace` changes what PostgreSQL cannot replace (return type, kind, parameter names)",
    "E244": "unknown function, procedure, trigger or policy",
    "E245": "function name without argument types is not unique",
    "E246": "dropping a function that a trigger, default, check, index, policy or view uses",
    "E247": "bad privilege for the object (grant/revoke)",
    "E248": "bad policy (`with check` for select or delete, `using` for insert)",
    "E249": "dropping a column, or changing its type, while a trigger or policy uses it",
    # language v2, tables and columns
    "E220": "identity options PostgreSQL refuses",
    "E221": "generated column expression uses a generated column or does not fit",
    "E222": "generated column expression is not immutable",
    "E223": "column used by a generated column cannot be dropped or retyped",
    "E224": "collation on a type that takes none",
    "E225": "logged and unlogged tables mixed where PostgreSQL refuses it",
    "E226": "exclusion constraint PostgreSQL refuses (index method, operator)",
    "E227": "partition key PostgreSQL refuses, or a key of a partitioned table without its columns",
    "E228": "partition bound, attach or detach PostgreSQL refuses",
    # views (kinds/view.py, lower/query.py)
    "E250": "unknown view or materialized view",
    "E251": "a query qualifies a column with a name that is not in its FROM",
    "E252": "ambiguous column reference, or a table name used twice in one FROM",
    "E253": "duplicate view column name, or more column names than the query has columns",
    "E254": "dropping, or changing the type of, what a view uses",
    "E255": "`create or replace view` drops, renames, retypes or reorders a column",
    "E256": "`refresh materialized view concurrently` that PostgreSQL refuses (no unique index, not populated)",
    "E257": "a query's shape is wrong (set operation widths, subquery columns, ORDER BY of a UNION, alias lists)",
    "E258": "a statement for one kind of relation used on another (drop view of a table, replace a materialized view)",
    "E259": "`deferrable` (or a timing) on a check or not null constraint",
    "E260": "`not deferrable initially deferred`",
    "E261": "a foreign key that references a deferrable primary key or unique constraint",
    "E262": "`alter constraint` of a constraint other than a foreign key",
    # language v2: indexes, sequences, domains, composite types, extensions
    "E230": "index expression or predicate calls a function that is not immutable",
    "E231": "unknown or unfitting operator class or index method",
    "E232": "unknown sequence, domain, composite type or extension",
    "E233": "duplicate sequence or extension",
    "E234": "dropping a sequence, domain, composite type or extension still in use",
    "E235": "bad sequence option",
    "E236": "domain constraint unknown, duplicate or wrong",
    "E237": "composite type attribute unknown or duplicate",
}

_WARNINGS = {
    "W001": "irreversible migration",
    "W002": "data loss: the down migration restores structure, not data",
    "W003": "the derived down can change or refuse data written since the up",
    "W004": "not checked: an earlier raw sql statement may have made it",
    "W005": "`if [not] exists` makes the statement do nothing",
    "W007": "a view written as raw SQL: the model does not know its columns or what it uses",
    "W006": "extension the model does not know: it cannot check what the extension adds",
    "W101": "index created or dropped without `concurrently` on an existing table",
    "W102": "`set not null` on an existing table scans it under an ACCESS EXCLUSIVE lock",
    "W103": "type change rewrites an existing table",
    "W104": "constraint added to an existing table without `not valid`",
    "W105": "volatile default on `add column` rewrites the table",
    "W106": "`not null` column without a default added to an existing table",
    "W107": "rename breaks running code",
    "W108": "drop breaks running code",
    "W109": "unused or misplaced `-- migc: allow` comment",
    "W110": "unique or primary key constraint added to an existing table",
    "W111": "enum value added without before/after",
    "W112": "char(n) column",
    "W113": "timestamp without time zone column",
    "W114": "int, smallint or serial primary key",
    "W115": "lock on an existing table while the runner's lock_timeout is off",
    "W117": "`create trigger` on an existing table blocks its writes (SHARE ROW EXCLUSIVE)",
    # language v2, tables and columns
    "W118": "`attach partition` scans the table under lock to check the bound",
    "W120": "date/time default 'now', 'today', 'tomorrow' or 'yesterday' is frozen when the statement runs",
    "W121": "`set logged` / `set unlogged` rewrites an existing table",
    "W116": "`refresh materialized view` without `concurrently` blocks reads of a populated materialized view",
    "W119": "domain constraint added without `not valid`: every existing value is checked under lock",
}

CODES: dict[str, Code] = {
    **{c: Code(c, "error", s) for c, s in _ERRORS.items()},
    **{c: Code(c, "warning", s) for c, s in _WARNINGS.items()},
}

# code -> summary, per severity
ERRORS: dict[str, str] = dict(_ERRORS)
WARNINGS: dict[str, str] = dict(_WARNINGS)


def registered(code: str, severity: str) -> bool:
    found = CODES.get(code)
    return found is not None and found.severity == severity
