#!/usr/bin/env python3
"""Time the language server as an editor meets it: `migc lsp` over stdio, driven by a minimal
JSON-RPC client (standard library only), on the generated 1000-migration history.

    python bench/bench_lsp.py [--runs 5] [-n 1000] [--seed 1] [--migc "COMMAND"] [--enforce]

Benchmarks (min / median / max wall-clock seconds over --runs; each run a fresh server process):

- open, cold     `.migc/` deleted; from `initialize` sent to the last file's diagnostics
                 (server start-up, imports, checking all 1000 files)            target < 2 s
- open, warm     the same after `migc check` filled the compile cache            target < 2 s
                 (both also as the server process's CPU time, which load does not inflate)
- didChange      an edit in the last file -> its publishDiagnostics arrives      target < 0.1 s
- completion     `alter table T drop column ` in the last file -> the answer     target < 0.05 s

didChange and completion are measured 10 times per run (after the open), alternating two texts
so every change is a real one. A markdown table goes to stdout, progress to stderr. Exit status
0, or with --enforce 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_history  # noqa: E402


class Client:
    """Just enough of an LSP client: requests with ids, notifications, a reader thread."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(command + ["lsp"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.messages: Queue[dict[str, Any]] = Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(out.read(length)))

    def send(self, payload: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **payload}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m).get("result")

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait(self, predicate: Any, timeout: float = 120) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while True:
            try:
                m = self.messages.get(timeout=max(0.01, end - time.monotonic()))
            except Empty:
                raise SystemExit("bench_lsp: the server did not answer in time") from None
            if "method" in m and "id" in m:  # a request from the server (e.g. registerCapability)
                self.send({"id": m["id"], "result": None})
                continue
            if predicate(m):
                return m

    def diagnostics_for(self, uri: str) -> dict[str, Any]:
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def cpu_seconds(pid: int) -> float | None:
    """A process's CPU time so far (user + system; Linux only): a measure the machine's load
    does not inflate the way it does wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def migc_command(given: str | None) -> list[str]:
    if given:
        return shlex.split(given)
    found = shutil.which("migc")
    return [found] if found else [sys.executable, "-m", "migc"]


def one_run(command: list[str], project: Path, results: dict[str, list[float]]) -> None:
    migrations = sorted((project / "migrations").glob("*.mig"))
    last = migrations[-1]
    uri = last.resolve().as_uri()
    text = last.read_text()
    table = next(line.split()[2] for f in reversed(migrations) for line in f.read_text().splitlines()
                 if line.startswith("alter table "))
    start = time.perf_counter()
    client = Client(command, project)
    client.request("initialize", {"processId": os.getpid(), "rootUri": project.resolve().as_uri(), "capabilities": {}})
    client.notify("initialized", {})
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "mig", "version": 1, "text": text}})
    client.diagnostics_for(uri)
    results.setdefault("open", []).append(time.perf_counter() - start)
    cpu = cpu_seconds(client.proc.pid)
    if cpu is not None:
        results.setdefault("open cpu", []).append(cpu)
    version = 1
    for k in range(10):
        version += 1
        edited = text + (f"\nalter table {table} add column bench_{k} int\n" if k % 2 == 0 else "\n")
        t = time.perf_counter()
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [{"text": edited}]})
        client.diagnostics_for(uri)
        results.setdefault("change", []).append(time.perf_counter() - t)
    version += 1
    completing = text + f"\nalter table {table} drop column "
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": [{"text": completing}]})
    client.diagnostics_for(uri)
    lines = completing.split("\n")
    for _ in range(10):
        t = time.perf_counter()
        answer = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                            "position": {"line": len(lines) - 1, "character": len(lines[-1])}})
        results.setdefault("completion", []).append(time.perf_counter() - t)
        assert answer and answer["items"], "completion offered nothing"
    client.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--migc", default=None)
    ap.add_argument("--enforce", action="store_true")
    args = ap.parse_args()
    command = migc_command(args.migc)
    with tempfile.TemporaryDirectory(prefix="migc-bench-lsp-") as tmp:
        project = Path(tmp)
        (project / "migc.toml").write_text("")
        subprocess.run([sys.executable, str(HERE / "gen_history.py"), str(project / "migrations"), "-n", str(args.n),
                        "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
        cold: dict[str, list[float]] = {}
        warm: dict[str, list[float]] = {}
        for run in range(args.runs):
            print(f"run {run + 1}/{args.runs}", file=sys.stderr)
            shutil.rmtree(project / ".migc", ignore_errors=True)
            one_run(command, project, cold)
            subprocess.run(command + ["check"], cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            one_run(command, project, warm)
    rows = [
        ("open, cold (initialize -> diagnostics)", cold["open"], 2.0),
        ("open, warm compile cache", warm["open"], 2.0),
    ]
    if "open cpu" in cold and "open cpu" in warm:
        rows += [("open, cold: the server's CPU time", cold["open cpu"], 2.0),
                 ("open, warm: the server's CPU time", warm["open cpu"], 2.0)]
    rows += [
        ("diagnostics after didChange (last file)", cold["change"] + warm["change"], 0.1),
        ("completion (last file)", cold["completion"] + warm["completion"], 0.05),
    ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.n} migrations (gen_history.py --seed {args.seed}), {args.runs} runs, "
          f"{os.cpu_count()} cores, load average {load:.1f} at the end\n")
    print("| benchmark | min | median | max | target |")
    print("|---|---:|---:|---:|---:|")
    missed = False
    for name, values, target in rows:
        med = statistics.median(values)
        missed = missed or med >= target
        print(f"| {name} | {min(values) * 1000:.0f} ms | **{med * 1000:.0f} ms** | {max(values) * 1000:.0f} ms | < {target * 1000:.0f} ms |")
    return 1 if args.enforce and missed else 0


if __name__ == "__main__":
    sys.exit(main())
