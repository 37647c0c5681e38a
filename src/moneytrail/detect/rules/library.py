"""The rule library: shipped rules, an FIU's own rule folders, and parameter overrides.

Why a library and not a list in code: rules are data an FIU reads, cites and changes. Rules
shipped in ``moneytrail/detect/rules/library/*.yaml`` load first; a user folder (``--rules
DIR``) adds rules, and a user rule with the id of a shipped one *replaces* it (an FIU adapting
a rule keeps its id so that its alerts stay comparable; it should raise ``version``).

Parameters are overridden as ``rule_id.parameter=value`` (the CLI's ``--param``), parsed with
the parameter's declared type and then bound into the query: they never become SQL text.

>>> rules = load_library()
>>> compile_query(rules["structuring"], {})[0].count("?") >= 1
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from moneytrail.detect.rules.spec import PLACEHOLDER, Rule, load_rule_file, load_rule_text
from moneytrail.errors import BadInputError, Problem, UsageError

Overrides = Mapping[str, Mapping[str, Any]]


def load_library(folders: Iterable[Path] = ()) -> dict[str, Rule]:
    """Every shipped rule, then the rules of ``folders`` (same id: the folder's wins).

    Rules are returned sorted by id so that runs and listings are reproducible.
    """
    rules = dict(_shipped())
    for folder in folders:
        if not folder.is_dir():
            raise UsageError("error.detect_rules_dir", path=str(folder))
        problems: list[Problem] = []
        for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
            try:
                rule = load_rule_file(path)
            except BadInputError as exc:
                problems += exc.problems
                continue
            rules[rule.id] = rule
        if problems:
            raise BadInputError("error.detect_rule_refused", problems, file=str(folder))
    return dict(sorted(rules.items()))


@cache
def _shipped() -> dict[str, Rule]:
    """The rules shipped in the package, parsed once per process (they never change)."""
    rules: dict[str, Rule] = {}
    shipped = resources.files("moneytrail.detect.rules") / "library"
    for entry in sorted(shipped.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            rule = load_rule_text(entry.read_text("utf-8"), f"library/{entry.name}")
            rules[rule.id] = rule
    return rules


def select(rules: Mapping[str, Rule], only: Sequence[str] = ()) -> list[Rule]:
    """The rules named in ``only`` (all when empty); an unknown id is a usage error."""
    if not only:
        return list(rules.values())
    unknown = [name for name in only if name not in rules]
    if unknown:
        raise UsageError(
            "error.detect_rule_unknown", name=", ".join(unknown), known=", ".join(rules)
        )
    return [rules[name] for name in only]


def parse_overrides(items: Sequence[str], rules: Mapping[str, Rule]) -> dict[str, dict[str, Any]]:
    """``["structuring.threshold=5000000"]`` -> ``{"structuring": {"threshold": Decimal(...)}}``.

    Each value is parsed with the declared type of the parameter; a typo in the rule or the
    parameter name is refused rather than silently ignored.
    """
    result: dict[str, dict[str, Any]] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        rule_id, dot, param = name.strip().partition(".")
        if not sep or not dot:
            raise UsageError("error.detect_param_syntax", value=item)
        rule = rules.get(rule_id)
        if rule is None or param not in rule.parameters:
            raise UsageError("error.detect_param_unknown", value=name.strip())
        try:
            value = rule.parameters[param].parse(raw.strip())
        except ValueError as exc:
            raise UsageError("error.detect_param_bad", value=item, detail=str(exc)) from None
        result.setdefault(rule_id, {})[param] = value
    return result


def effective_parameters(rule: Rule, overrides: Overrides) -> dict[str, Any]:
    """Parsed parameter values of ``rule``: defaults, then the overrides for its id.

    Overrides may be parsed values or raw text (``{"structuring": {"window": "3d"}}`` from
    Python works as well as from ``--param``); each goes through the declared type.
    """
    values = {name: p.parse(p.default) for name, p in rule.parameters.items()}
    for name, raw in overrides.get(rule.id, {}).items():
        if name not in rule.parameters:
            raise UsageError("error.detect_param_unknown", value=f"{rule.id}.{name}")
        try:
            values[name] = rule.parameters[name].parse(raw)
        except ValueError as exc:
            raise UsageError(
                "error.detect_param_bad", value=f"{rule.id}.{name}={raw}", detail=str(exc)
            ) from None
    return values


def compile_query(rule: Rule, overrides: Overrides) -> tuple[str, list[Any]]:
    """The rule's SQL with each ``$name`` turned into ``?`` and the values to bind, in order.

    ``$`` inside a quoted SQL string is left alone. Values are bound by the engine, so a
    parameter can never change the shape of the query.
    """
    values = effective_parameters(rule, overrides)
    args: list[Any] = []

    def swap(match: Any) -> str:
        name = match.group(1)
        if not name:
            return str(match.group(0))
        args.append(values[name])
        return "?"

    return PLACEHOLDER.sub(swap, rule.query), args
