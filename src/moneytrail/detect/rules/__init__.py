"""Typology rules declared as data (YAML) and the alerts they raise.

A rule file names the typology in French and English, cites the FATF / GIABA / UEMOA / BCEAO
texts it rests on, declares typed parameters, and holds one SQL query over the canonical tables
with bound ``$parameters`` (see ``docs/detection.md``). :func:`run_rules` runs rules through the
engine and stores their hits in ``alerts``; :mod:`.alerts` lists, explains and decides them.

>>> from moneytrail.engine import DuckDBEngine
>>> from moneytrail.engine.schema import migrate
>>> engine = DuckDBEngine(); _ = migrate(engine)
>>> result = run_rules(engine, list(load_library().values()), {"structuring": {}})
>>> len(result.rules) >= 11
True
"""

from moneytrail.detect.rules.library import (
    compile_query,
    effective_parameters,
    load_library,
    parse_overrides,
    select,
)
from moneytrail.detect.rules.runner import RuleOutcome, RuleProgress, RuleRunResult, run_rules
from moneytrail.detect.rules.spec import Rule, load_rule_file, load_rule_text

__all__ = [
    "Rule",
    "RuleOutcome",
    "RuleProgress",
    "RuleRunResult",
    "compile_query",
    "effective_parameters",
    "load_library",
    "load_rule_file",
    "load_rule_text",
    "parse_overrides",
    "run_rules",
    "select",
]
