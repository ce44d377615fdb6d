"""PostgreSQL's built-in type names: the spellings migc accepts, the canonical name each one stands
for, and the category of each canonical type (after pg_type.typcategory). A leaf: data only."""

from __future__ import annotations

# spelling -> canonical name
ALIASES: dict[str, str] = {
    "smallint": "smallint", "int2": "smallint",
    "int": "integer", "integer": "integer", "int4": "integer",
    "bigint": "bigint", "int8": "bigint",
    "real": "real", "float4": "real",
    "double precision": "double precision", "double": "double precision", "float8": "double precision",
    "numeric": "numeric", "decimal": "numeric",
    "bool": "boolean", "boolean": "boolean",
    "text": "text",
    "varchar": "varchar", "character varying": "varchar",
    "char": "char", "character": "char", "bpchar": "char",
    "bytea": "bytea", "uuid": "uuid", "json": "json", "jsonb": "jsonb",
    "date": "date",
    "time": "time", "timetz": "timetz",
    "timestamp": "timestamp", "timestamptz": "timestamptz",
    "interval": "interval", "inet": "inet", "cidr": "cidr", "macaddr": "macaddr",
}

# serial types are integers with a sequence default: spelling -> canonical integer type
SERIAL_TYPES: dict[str, str] = {"serial": "integer", "serial4": "integer", "bigserial": "bigint",
                                "serial8": "bigint", "smallserial": "smallint", "serial2": "smallint"}

# N numeric, S string, B boolean, D date/timestamp, T time of day, I interval, U uuid, X bytea,
# J json, A network address, M macaddr (and E enum, for user types)
CATEGORY: dict[str, str] = {
    "smallint": "N", "integer": "N", "bigint": "N", "real": "N", "double precision": "N", "numeric": "N",
    "text": "S", "varchar": "S", "char": "S", "boolean": "B", "date": "D", "timestamp": "D",
    "timestamptz": "D", "time": "T", "timetz": "T", "interval": "I", "uuid": "U", "bytea": "X",
    "json": "J", "jsonb": "J", "inet": "A", "cidr": "A", "macaddr": "M",
}

# a spelling -> its pg_type.typname, which names a cast's column in an index (int -> int4)
TYPNAMES: dict[str, str] = {
    "int": "int4", "integer": "int4", "int4": "int4", "smallint": "int2", "int2": "int2",
    "bigint": "int8", "int8": "int8", "real": "float4", "float4": "float4", "double precision": "float8",
    "double": "float8", "float8": "float8", "bool": "bool", "boolean": "bool", "decimal": "numeric",
    "char": "bpchar", "character": "bpchar", "character varying": "varchar",
}

# type words a cast may name that are not column types migc models (written as they are)
OTHER_BUILTIN_WORDS = frozenset({"regclass"})

# the words a "did you mean" for an unknown type offers
SUGGESTIONS = [
    "smallint", "int", "integer", "bigint", "serial", "bigserial", "real", "double precision", "numeric",
    "decimal", "bool", "boolean", "text", "varchar", "char", "bytea", "uuid", "json", "jsonb", "date",
    "time", "timetz", "timestamp", "timestamptz", "interval", "inet", "cidr", "macaddr",
]


def canonical_name(spelling: str) -> str | None:
    return ALIASES.get(spelling)


def is_builtin_word(spelling: str) -> bool:
    """Is this an unqualified built-in type word (written bare in SQL), rather than a user type?"""
    return spelling in ALIASES or spelling in SERIAL_TYPES or spelling in OTHER_BUILTIN_WORDS
