"""The one error an engine raises for a statement it could not run.

Why: analytics and readers must tell "the engine refused this SQL or these values" (a file
DuckDB's CSV reader cannot split, a rule whose SQL fails, a value out of range) from their own
bugs, without importing the engine's library to catch its exceptions. Every engine raises
:class:`EngineError` for such a failure, with the engine's first message line as ``detail``;
what concerns the workspace file or the machine (damaged, busy, too new, disk full, out of
memory) is raised as the library's own errors instead (:mod:`moneytrail.errors`).

It is not a :class:`~moneytrail.errors.MoneytrailError`: an SQL failure the caller did not
expect is a bug, reported as one (crash report), unless the caller catches it and turns it
into a problem of the user's input.

>>> try:
...     raise EngineError("Conversion Error: Could not convert 'x' to INT32\\nLINE 1: ...")
... except EngineError as exc:
...     exc.detail
"Conversion Error: Could not convert 'x' to INT32"
"""

from __future__ import annotations


class EngineError(Exception):
    """A statement the engine could not run. ``str()`` is the engine's whole message,
    ``detail`` its first line, ``kind`` the engine's own name for the failure (DuckDB's
    exception class, e.g. ``ConversionException``), ``engine`` which engine said so."""

    def __init__(self, message: str, *, kind: str = "", engine: str = "") -> None:
        super().__init__(message)
        self.detail = message.splitlines()[0] if message else (kind or type(self).__name__)
        self.kind = kind
        self.engine = engine
