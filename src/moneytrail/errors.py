"""One root error with a few structured subclasses.

Faces (CLI, API) turn these into messages and exit codes; they never show a traceback for a user
error. Every error carries a message *key* and parameters so that it can be rendered in French or
English by :mod:`moneytrail.i18n` instead of carrying a pre-rendered sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One precise reason why input was refused: ``file:line: field: reason``.

    ``code`` is an i18n key under ``problem.``; ``params`` fill its placeholders. ``line`` is the
    1-based physical line (or record number for formats without lines); ``None`` when the problem
    concerns the whole file.
    """

    file: str
    code: str
    line: int | None = None
    field: str | None = None
    value: str | None = None
    params: dict[str, Any] = dc_field(default_factory=dict)

    def render(self, lang: str = "en") -> str:
        """Render as ``file:line: field: reason`` in ``lang``."""
        from moneytrail.i18n import translate

        where = self.file if self.line is None else f"{self.file}:{self.line}"
        params = dict(self.params)
        params.setdefault("value", self.value if self.value is not None else "")
        reason = translate(f"problem.{self.code}", lang, **params)
        if self.field:
            return f"{where}: {self.field}: {reason}"
        return f"{where}: {reason}"


class MoneytrailError(Exception):
    """Root of every error the library raises on purpose."""

    exit_code = 1

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (``fr`` or ``en``)."""
        from moneytrail.i18n import translate

        return translate(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.render("en")


class UsageError(MoneytrailError):
    """The user asked for something impossible (bad option, missing workspace...): exit code 2."""

    exit_code = 2


class BadInputError(MoneytrailError):
    """Input data was refused; ``problems`` says exactly where and why: exit code 3."""

    exit_code = 3

    def __init__(self, key: str, problems: list[Problem] | None = None, **params: Any) -> None:
        super().__init__(key, **params)
        self.problems = problems or []

    def render(self, lang: str = "en") -> str:
        head = super().render(lang)
        lines = [p.render(lang) for p in self.problems[:20]]
        more = len(self.problems) - len(lines)
        if more > 0:
            from moneytrail.i18n import translate

            lines.append(translate("error.more_problems", lang, count=more))
        return "\n".join([head, *lines]) if lines else head


def problem_for(path: Path | str, code: str, **kwargs: Any) -> Problem:
    """Shorthand used by readers: a :class:`Problem` for ``path``."""
    return Problem(file=str(path), code=code, **kwargs)
