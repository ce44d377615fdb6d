"""Every diagnostic code migc reports. Codes are stable: tests and users' `allow` comments name them.
E = error (nothing is applied), W = warning (safe-migration lints; `--strict` makes them fail)."""

from __future__ import annotations

ERRORS: dict[str, str] = {
    "E001": "syntax error",
    "E002": "bad migration file (name, encoding, unreadable)",
    "E003": "duplicate migration version",
    "E004": "identifier longer than 63 bytes",
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
}

WARNINGS: dict[str, str] = {
    "W001": "irreversible migration",
    "W002": "data loss: the down migration restores structure, not data",
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
}


def describe(code: str) -> str:
    return ERRORS.get(code) or WARNINGS.get(code) or code
