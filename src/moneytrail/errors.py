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
class Message:
    """A text not yet rendered: an i18n key and its parameters.

    Why: a reason built deep in the library (a mapping's unknown key) must come out in the
    language of whoever reads it, which the library does not know. Errors and problems render
    the messages among their parameters in their own ``render(lang)``.

    >>> Message("error.disk_full", {"path": "x"}).render("en").startswith("Disk full")
    True
    """

    key: str
    params: dict[str, Any] = dc_field(default_factory=dict)

    def render(self, lang: str) -> str:
        """The text in ``lang``."""
        from moneytrail.i18n import translate

        return translate(self.key, lang, **rendered(self.params, lang))


class MessageError(ValueError):
    """A ``ValueError`` carrying a :class:`Message` (for validators that must raise one)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


def rendered(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """``params`` with every :class:`Message` among them rendered in ``lang`` (a list of
    messages and texts becomes one text joined by "; ")."""
    return {k: _render_value(v, lang) for k, v in params.items()}


def _render_value(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, list) and any(isinstance(v, Message) for v in value):
        return "; ".join(str(_render_value(v, lang)) for v in value)
    return value


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
        params = rendered(dict(self.params), lang)
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

        return translate(self.key, lang, **rendered(self.params, lang))

    def __str__(self) -> str:
        return self.render("en")


class UsageError(MoneytrailError):
    """The user asked for something impossible (bad option, missing workspace...): exit code 2."""

    exit_code = 2


class MachineRefusedError(MoneytrailError):
    """The machine refused what the command needed (disk full, permission denied): exit code 2.

    Neither the user's data nor a bug: the message says what to free or fix, and nothing the
    user had is lost (outputs are atomic, loads are transactions).
    """

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
