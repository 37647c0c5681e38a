"""What a typology rule file says, validated with pydantic, and where a broken one is wrong.

A rule is data (one YAML file): an id and version, the typology it detects named in French and
English, the published reports it rests on, typed parameters with defaults, and one SQL
``SELECT`` over the canonical tables in which parameters appear as ``$name`` and are *bound*
by the engine, never pasted into the text. Why data: an FIU changes a threshold or adds a rule
for a new typology without touching Python, and a reviewer reads the whole rule on one page.

A refused file gets ``file:line: field: reason`` (:class:`~moneytrail.errors.Problem`): the
line comes from the YAML node the pydantic error points at.

>>> rule = load_rule_text("id: demo\\nversion: 1\\n...", "demo.yaml")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import sqlglot
import sqlglot.expressions as sx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from moneytrail.detect.rules.guard import (
    ALLOWED_TABLES,
    query_refusals,
    statement_line,
    statement_name,
)
from moneytrail.errors import BadInputError, Problem
from moneytrail.model.durations import parse_duration
from moneytrail.model.money import AmountError, DecimalConvention, parse_amount

ParamType = Literal["money", "integer", "number", "duration", "list"]
RULE_ID = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
PLACEHOLDER = re.compile(
    r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$([a-z_][a-z0-9_]*)", re.DOTALL
)
"""A ``$name`` parameter of a rule's query (group 1), or what must be passed over whole: a
comment (``-- …`` or ``/* … */``: French comments are full of apostrophes, « l'agent »,
which must not open a string, and a ``$name`` in a comment is not a parameter), a string
literal or a quoted identifier (a ``$`` in them is text)."""


class Texts(BaseModel):
    """A text in both working languages (French first: the users' language)."""

    model_config = ConfigDict(extra="forbid")
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The text in ``lang`` (English for any language other than French)."""
        return self.fr if lang == "fr" else self.en


class Reference(BaseModel):
    """A published report or legal text the rule rests on (cited by body, title and year)."""

    model_config = ConfigDict(extra="forbid")
    body: Literal["FATF", "GIABA", "UEMOA", "BCEAO", "FATF-GIABA-GABAC", "UN", "Egmont", "other"]
    title: str = Field(min_length=3)
    year: int = Field(ge=1945, le=2100)


class Parameter(BaseModel):
    """A tunable value of a rule: its type, its default and what it means."""

    model_config = ConfigDict(extra="forbid")
    type: ParamType
    default: Any
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def parse(self, raw: Any) -> Any:
        """``raw`` (YAML value or ``--param`` text) as the Python value bound into SQL.

        Money is ``Decimal`` (never float), durations ``timedelta``, lists of lower-case
        strings (a text ``"ml,bf"`` is split on commas). Raises ``ValueError`` with a reason.
        """
        return parse_value(self.type, raw)


class Rule(BaseModel):
    """One typology rule (see ``docs/detection.md`` for every field)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    version: int = Field(ge=1)
    typology: str
    typology_name: Texts
    subject: Literal["account", "party"] = "account"
    title: Texts
    description: Texts
    explain: Texts
    references: list[Reference] = Field(min_length=1)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    query: str = Field(min_length=10)
    source: str = ""  # where the rule was read from (set by the loader)
    query_line: int = 0  # line of ``query:`` in that file (set by the loader)

    @field_validator("id", "typology")
    @classmethod
    def _plain_word(cls, value: str) -> str:
        if not RULE_ID.match(value):
            raise ValueError("lower-case letters, digits and _ only, starting with a letter")
        return value

    @field_validator("parameters")
    @classmethod
    def _defaults_parse(cls, value: dict[str, Parameter]) -> dict[str, Parameter]:
        for name, param in value.items():
            if not RULE_ID.match(name):
                raise ValueError(f"parameter name {name!r}: lower-case word expected")
            try:
                param.parse(param.default)
            except ValueError as exc:
                raise ValueError(f"{name}.default: {exc}") from None
        return value

    def placeholders(self) -> list[str]:
        """Names of the ``$name`` parameters in the query, in order (string literals skipped)."""
        return [m.group(1) for m in PLACEHOLDER.finditer(self.query) if m.group(1)]


def parse_value(kind: ParamType, raw: Any) -> Any:
    """Parse ``raw`` as a parameter of type ``kind`` (see :meth:`Parameter.parse`).

    >>> parse_value("duration", "36h")
    datetime.timedelta(days=1, seconds=43200)
    >>> parse_value("money", "5 000 000")
    Decimal('5000000')
    """
    if kind == "list":
        items = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(i, str | int) for i in items):
            raise ValueError("a list of words expected")
        return [str(i).strip().lower() for i in items if str(i).strip()]
    if kind == "duration":
        return raw if isinstance(raw, timedelta) else parse_duration(str(raw))
    if isinstance(raw, bool):
        raise ValueError(f"number expected, got {raw!r}")
    if isinstance(raw, float):
        if kind != "number" or raw < 0 or raw != raw:
            raise ValueError(f"write {raw!r} as a whole number or a quoted text (money is exact)")
        return raw
    try:
        number = parse_amount(str(raw), DecimalConvention.POINT)
    except AmountError:
        raise ValueError(f"number expected, got {raw!r}") from None
    if number < 0:
        raise ValueError(f"a non-negative number expected, got {raw!r}")
    if kind == "integer":
        if number != number.to_integral_value():
            raise ValueError(f"whole number expected, got {raw!r}")
        return int(number)
    if kind == "number":
        return float(number)
    return number


def load_rule_file(path: Path) -> Rule:
    """Read and validate one rule file; a broken one raises :class:`BadInputError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise BadInputError(
            "error.detect_rule_refused",
            [Problem(str(path), "file_unreadable")],
            file=str(path),
        ) from None
    return load_rule_text(text, str(path))


def load_rule_text(text: str, where: str) -> Rule:
    """Validate the YAML ``text`` of a rule; ``where`` names it in problems."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = Problem(where, "detect_rule_yaml", line=line, params={"detail": str(exc)})
        raise BadInputError("error.detect_rule_refused", [problem], file=where) from None
    if not isinstance(data, dict) or node is None:
        problem = Problem(where, "detect_rule_not_mapping")
        raise BadInputError("error.detect_rule_refused", [problem], file=where)
    try:
        rule = Rule.model_validate({**data, "source": where})
    except ValidationError as exc:
        problems = [
            Problem(
                where,
                "detect_rule_field",
                line=_line_of(node, err["loc"]),
                field=".".join(str(p) for p in err["loc"]) or None,
                params={"detail": err["msg"]},
            )
            for err in exc.errors()
        ]
        raise BadInputError("error.detect_rule_refused", problems, file=where) from None
    undeclared = sorted(set(rule.placeholders()) - set(rule.parameters))
    if undeclared:
        problem = Problem(
            where,
            "detect_rule_undeclared",
            line=_line_of(node, ("query",)),
            field="query",
            params={"names": ", ".join(undeclared)},
        )
        raise BadInputError("error.detect_rule_refused", [problem], file=where)
    rule.query_line = _line_of(node, ("query",))
    problems = _query_problems(rule, node, where)
    if problems:
        raise BadInputError("error.detect_rule_refused", problems, file=where)
    return rule


_WRITES = (sx.Insert, sx.Update, sx.Delete, sx.Drop, sx.Create, sx.Alter, sx.Merge)


def _query_problems(rule: Rule, node: yaml.Node, where: str) -> list[Problem]:
    """Why the query is not one read-only SELECT over the workspace (empty when it is).

    Why: a rule folder may come from elsewhere; running it must never change the workspace,
    nor read or send anything outside it (:mod:`.guard` says what a rule may read and call).
    """
    sql = PLACEHOLDER.sub(lambda m: "?" if m.group(1) else m.group(0), rule.query)
    first = _query_first_line(node)

    def problem(code: str, line: int | None, **params: Any) -> Problem:
        at = rule.query_line if line is None or first is None else first + line - 1
        return Problem(where, code, line=at, field="query", params=params)

    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.SqlglotError as exc:
        return [problem("detect_rule_not_select", None, detail=str(exc).splitlines()[0])]
    named = [
        problem("detect_rule_statement", statement_line(s), name=statement_name(s))
        for s in statements
        if not isinstance(s, (sx.Query, *_WRITES))
    ]
    if named:
        return named
    if len(statements) != 1 or not isinstance(statements[0], sx.Query):
        return [problem("detect_rule_not_select", None, detail="one SELECT statement expected")]
    if any(statements[0].find_all(*_WRITES, sx.Command)):
        return [problem("detect_rule_not_select", None, detail="the query must only read")]
    return [
        problem(r.code, r.line, name=r.name, allowed=", ".join(sorted(ALLOWED_TABLES)))
        for r in query_refusals(statements[0])
    ]


def _query_first_line(node: yaml.Node) -> int | None:
    """File line (1-based) of the query's first line when the query is a literal block
    (``query: |``, whose lines are the file's lines), else ``None``."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "query" and isinstance(value, yaml.ScalarNode) and value.style == "|":
                return int(value.start_mark.line) + 2
    return None


def _line_of(node: yaml.Node, loc: tuple[Any, ...]) -> int:
    """1-based line of the YAML node at ``loc`` (the deepest node that exists)."""
    current = node
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if key.value == str(part):
                    child = value if not isinstance(value, yaml.ScalarNode) else key
                    break
        elif (
            isinstance(current, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(current.value)
        ):
            child = current.value[part]
        if child is None:
            break
        current = child
    return int(current.start_mark.line) + 1
