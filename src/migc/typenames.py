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
    "time": "time", "timetz": "timetz", "time without time zone": "time", "time with time zone": "timetz",
    "timestamp": "timestamp", "timestamptz": "timestamptz",
    "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
    "interval": "interval", "inet": "inet", "cidr": "cidr", "macaddr": "macaddr", "macaddr8": "macaddr8",
    "bit": "bit", "bit varying": "varbit", "varbit": "varbit",
    "money": "money", "xml": "xml", "tsvector": "tsvector", "tsquery": "tsquery", "pg_lsn": "pg_lsn",
    "point": "point", "line": "line", "lseg": "lseg", "box": "box", "path": "path", "polygon": "polygon",
    "circle": "circle",
    "int4range": "int4range", "int8range": "int8range", "numrange": "numrange", "tsrange": "tsrange",
    "tstzrange": "tstzrange", "daterange": "daterange", "int4multirange": "int4multirange",
    "int8multirange": "int8multirange", "nummultirange": "nummultirange", "tsmultirange": "tsmultirange",
    "tstzmultirange": "tstzmultirange", "datemultirange": "datemultirange",
    # object identifiers: `nextval('s'::regclass)` names a sequence
    "oid": "oid", "regclass": "regclass", "regtype": "regtype", "regproc": "regproc",
    "regprocedure": "regprocedure", "regnamespace": "regnamespace", "regrole": "regrole",
    "regconfig": "regconfig",
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
    "json": "J", "jsonb": "J", "inet": "A", "cidr": "A", "macaddr": "M", "macaddr8": "M",
    # each of these converts only to itself (and to strings) on assignment
    "bit": "V", "varbit": "V", "money": "Y", "xml": "Z", "tsvector": "W", "tsquery": "W", "pg_lsn": "L",
    "point": "G", "line": "G", "lseg": "G", "box": "G", "path": "G", "polygon": "G", "circle": "G",
    **{r: "R" for r in ("int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange",
                        "int4multirange", "int8multirange", "nummultirange", "tsmultirange", "tstzmultirange",
                        "datemultirange")},
    **{r: "N" for r in ("oid", "regclass", "regtype", "regproc", "regprocedure", "regnamespace", "regrole",
                        "regconfig")},
}

# a spelling -> its pg_type.typname, which names a cast's column in an index (int -> int4)
TYPNAMES: dict[str, str] = {
    "int": "int4", "integer": "int4", "int4": "int4", "smallint": "int2", "int2": "int2",
    "bigint": "int8", "int8": "int8", "real": "float4", "float4": "float4", "double precision": "float8",
    "double": "float8", "float8": "float8", "bool": "bool", "boolean": "bool", "decimal": "numeric",
    "char": "bpchar", "character": "bpchar", "character varying": "varchar",
    "timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp",
    "time with time zone": "timetz", "time without time zone": "time", "bit varying": "varbit",
}

# type words a cast may name that are not column types migc models (written as they are)
OTHER_BUILTIN_WORDS = frozenset({"regclass"})

# the words a "did you mean" for an unknown type offers
SUGGESTIONS = [
    "smallint", "int", "integer", "bigint", "serial", "bigserial", "real", "double precision", "numeric",
    "decimal", "bool", "boolean", "text", "varchar", "char", "bytea", "uuid", "json", "jsonb", "date",
    "time", "timetz", "timestamp", "timestamptz", "interval", "inet", "cidr", "macaddr", "macaddr8",
    "character varying", "timestamp with time zone", "bit", "varbit", "money", "xml", "tsvector", "tsquery",
    "point", "box", "polygon", "circle", "int4range", "int8range", "numrange", "tstzrange", "daterange",
]


def canonical_name(spelling: str) -> str | None:
    return ALIASES.get(spelling)


def is_builtin_word(spelling: str) -> bool:
    """Is this an unqualified built-in type word (written bare in SQL), rather than a user type?"""
    return spelling in ALIASES or spelling in SERIAL_TYPES or spelling in OTHER_BUILTIN_WORDS
