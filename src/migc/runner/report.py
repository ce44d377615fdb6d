"""What the runner tells the user: a line per migration (with a bar on a terminal), notes on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO


class Output:
    """Plain lines when piped; on a terminal the same lines above a progress bar."""

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None, interactive: bool | None = None):
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.interactive = self.stdout.isatty() if interactive is None else interactive

    def line(self, text: str = "", *, flush: bool = True) -> None:
        print(text, file=self.stdout, flush=flush)

    def note(self, text: str) -> None:
        self.stdout.flush()  # lines held back come first
        print(text, file=self.stderr, flush=True)

    def warn(self, text: str) -> None:
        self.stdout.flush()
        print(f"warning: {text}", file=self.stderr, flush=True)

    @contextmanager
    def steps(self, total: int, verb: str) -> Iterator[Steps]:
        if not self.interactive or total < 2:
            yield Steps(self, verb, None)
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=self.stdout)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(verb, total=total)
            yield Steps(self, verb, (progress, task))


class Steps:
    """Progress through the migrations of one run."""

    def __init__(self, output: Output, verb: str, bar: tuple[Any, Any] | None) -> None:
        self._output = output
        self._verb = verb
        self._bar = bar

    def start(self, label: str, non_transactional: bool) -> None:
        if non_transactional:
            self._print(f"{label}: runs outside a transaction (concurrently), statement by statement")
        if self._bar is not None:
            progress, task = self._bar
            progress.update(task, description=f"{self._verb} {label}")

    def done(self, label: str, elapsed_ms: float) -> None:
        past = {"applying": "applied", "reverting": "reverted"}.get(self._verb, self._verb)
        self._print(f"{past} {label} ({format_ms(elapsed_ms)})")
        if self._bar is not None:
            progress, task = self._bar
            progress.advance(task)

    def flush(self) -> None:
        """Lines come out (unflushed) as migrations finish; the runner flushes after each batch."""
        if self._bar is None:
            self._output.stdout.flush()

    def _print(self, text: str) -> None:
        if self._bar is not None:
            self._bar[0].console.print(text, markup=False, highlight=False)
        else:
            self._output.line(text, flush=False)


def format_ms(ms: float) -> str:
    if ms < 10:
        return f"{ms:.1f} ms"
    if ms < 10_000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.1f} s"
