"""Where one CLI run writes: its language, its two consoles, its JSON and its progress bars.

Why an object passed down instead of module state: ``moneytrail --lang en info`` followed, in
the same process (tests, a notebook, a future server), by ``moneytrail info`` must print French
again. :func:`moneytrail.cli.main.run` builds one :class:`Output` per run and hands it to the
commands through the click context; a command reads it with :func:`output`.

Example (inside a command)::

    def info(ctx: typer.Context, ...) -> None:
        out = output(ctx)
        out.print(out.tr("cli.info_title", path=..., version=...))
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.console import Console

from moneytrail.api import Message, Problem, default_lang, translate
from moneytrail.api.serialize import dumps

ProgressCallback = Callable[[float, float], None]
"""``progress(done, total)`` for one task (a file, a rule, a step)."""


def _console(stderr: bool) -> Console:
    # Markup off: file names and names of people may contain "[...]"; emoji off: rich would
    # turn ":CD:" in a certificate fingerprint or ":cd:" in an account label into a picture;
    # soft wrap: a "file:line: field: reason" message must stay on one line for grep and for
    # the reader.
    return Console(stderr=stderr, highlight=False, markup=False, emoji=False, soft_wrap=True)


@dataclass
class Output:
    """The language and the consoles of one run of the CLI."""

    lang: str
    console: Console = field(default_factory=lambda: _console(False))
    err: Console = field(default_factory=lambda: _console(True))

    def tr(self, key: str, **params: Any) -> str:
        """The text of ``key`` in this run's language."""
        return translate(key, self.lang, **params)

    def text(self, message: Message | Problem | str) -> str:
        """A message, a problem (``file:line: field: reason``) or a text, in this language."""
        if isinstance(message, Message | Problem):
            return message.render(self.lang)
        return message

    def print(self, *texts: Any) -> None:
        """Human output on stdout (tables, sentences)."""
        self.console.print(*texts)

    def warn(self, text: str) -> None:
        """A line on stderr (problems, warnings, notices): stdout stays for results."""
        self.err.print(text, markup=False, soft_wrap=True)

    def json(self, value: Any) -> None:
        """One JSON document on stdout, nothing else (see :mod:`moneytrail.api.serialize`)."""
        sys.stdout.write(dumps(value, self.lang) + "\n")

    @contextmanager
    def progress(self, enabled: bool) -> Iterator[Callable[[str], ProgressCallback] | None]:
        """A factory of per-task progress callbacks drawing rich bars on stderr (or nothing)."""
        if not enabled:
            yield None
            return
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        bars = Progress(
            TextColumn("{task.description}", markup=False, style="bold"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.err,
            transient=False,
        )

        def factory(name: str) -> ProgressCallback:
            task = bars.add_task(name, total=None)

            def update(done: float, total: float) -> None:
                bars.update(task, completed=done, total=total or None)

            return update

        with bars:
            yield factory


def output(ctx: typer.Context) -> Output:
    """The :class:`Output` of the run ``ctx`` belongs to (a default one outside ``run``)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Output):
        root.obj = Output(default_lang())
    return root.obj
