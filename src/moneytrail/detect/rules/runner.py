"""Run typology rules through the engine and keep their hits as alerts.

Each rule's query runs inside one ``INSERT ... SELECT`` so that hits never leave the engine
(a national data set can raise hundreds of thousands of them). The alert id is
``natural_key('alert', rule id, rule version, subject kind, subject id, window start, window
end)``, computed in SQL with :func:`~moneytrail.model.ids.natural_key_sql`, so re-running the
same rule on the same data finds the same ids:

* a new hit is inserted with status ``to_review``;
* a hit whose alert exists refreshes the evidence (score, amount, transactions, values) and keeps
  ``status``, ``analyst_note``, ``decided_by``, ``decided_at`` and the decision history;
* an alert whose hit disappeared (data removed, parameters raised) is left as it is: an analyst
  may already have acted on it.

One run is one transaction: the alerts of every rule commit together, with the run's record
(``job_runs``), or not at all; a run killed half-way keeps nothing and the next run (and
``moneytrail alerts list``) says it was interrupted. The rules run on a locked-down engine
(:mod:`moneytrail.engine.sandbox`), the runtime wall behind the load-time check of
:mod:`.guard`: even a rule that slipped past the check cannot read a file or open a socket.

>>> from moneytrail.engine import DuckDBEngine
>>> from moneytrail.engine.schema import migrate
>>> engine = DuckDBEngine(); _ = migrate(engine)
>>> run_rules(engine, list(load_library().values())).alerts_new
0
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from moneytrail.detect.rules.library import (
    Overrides,
    compile_query,
    effective_parameters,
    load_library,
)
from moneytrail.detect.rules.spec import Rule
from moneytrail.engine.base import Engine
from moneytrail.engine.runs import RunRecord, recorded
from moneytrail.engine.sandbox import locked_down
from moneytrail.errors import BadInputError, Problem
from moneytrail.model.ids import natural_key_sql

__all__ = ["RuleOutcome", "RuleRunResult", "load_library", "run_rules"]

# progress(rule_id) -> callback(done, total); the shape of the ingest's progress factory.
RuleProgress = Callable[[str], Callable[[float, float], None]]

_KEY = natural_key_sql(
    "alert",
    [
        "CAST(? AS VARCHAR)",
        "CAST(? AS VARCHAR)",
        "CAST(? AS VARCHAR)",
        "h.subject_id",
        "h.window_start",
        "h.window_end",
    ],
)

# The rule's SELECT is pasted where {rule} stands: it is the rule file's own SQL, and every value
# in it is a bound parameter. Hits land in a temporary table (small: one row per hit), then merge
# into ``alerts``. One hit per alert id: the highest score, then the largest amount, then the
# evidence itself (a total order, the Spark runner's too, moneytrail.api.spark). With the score
# alone, two paths of round_tripping with the same ends and window (one middle transfer apart)
# were kept at random: 10 of 563 alerts differed between DuckDB and Spark on 50M rows.


def hit_order(alias: str) -> str:
    """The ``ORDER BY`` that picks one hit per alert id among the rows ``alias`` of a rule's
    result: one text for both runners (this one and ``moneytrail.api.spark``)."""
    return (
        f"{alias}.score DESC, {alias}.amount_reporting DESC NULLS LAST,"
        f" array_to_string({alias}.transaction_ids, ',')"
    )


_HITS = (
    "CREATE OR REPLACE TEMP TABLE mt_rule_hits AS"  # noqa: S608 - validated SELECT, bound values
    f" SELECT {_KEY} AS id, h.subject_id, CAST(h.window_start AS TIMESTAMP) AS window_start,"
    " CAST(h.window_end AS TIMESTAMP) AS window_end,"
    " CAST(greatest(0, least(1, h.score)) AS DOUBLE) AS score,"
    " CAST(h.amount_reporting AS DECIMAL(38, 8)) AS amount_reporting,"
    " CAST(h.transaction_ids AS VARCHAR[]) AS transaction_ids,"
    " json_object('rule', ?, 'version', ?, 'fired', to_json(h.fired),"
    " 'parameters', json(?)) AS explanation"
    " FROM ({rule}) h WHERE h.subject_id IS NOT NULL"
    f" QUALIFY row_number() OVER (PARTITION BY id ORDER BY {hit_order('h')}) = 1"
)
_MERGE = (
    "INSERT INTO alerts (id, detector, detector_kind, detector_version, typology, subject_kind,"
    " subject_id, window_start, window_end, score, amount_reporting, transaction_ids,"
    " explanation, status, created_at)"
    " SELECT id, ?, 'rule', ?, ?, ?, subject_id, window_start, window_end, score,"
    " amount_reporting, transaction_ids, explanation, 'to_review', ? FROM mt_rule_hits"
    " ON CONFLICT (id) DO UPDATE SET score = excluded.score,"
    " amount_reporting = excluded.amount_reporting,"
    " transaction_ids = excluded.transaction_ids,"
    " explanation = CASE WHEN json_exists(alerts.explanation, '$.history')"
    " THEN json_merge_patch(excluded.explanation,"
    " json_object('history', json_extract(alerts.explanation, '$.history')))"
    " ELSE excluded.explanation END"
)


@dataclass
class RuleOutcome:
    """What one rule did: hits found, alerts created, seconds spent."""

    rule: str
    version: int
    typology: str
    hits: int
    alerts_new: int
    seconds: float
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass
class RuleRunResult:
    """One run of the rule library over a workspace: per rule outcomes, the run's record id
    (``job_runs``) and the earlier runs it found interrupted (to warn about)."""

    rules: list[RuleOutcome] = field(default_factory=list)
    job_run_id: str = ""
    interrupted_runs: list[RunRecord] = field(default_factory=list)

    @property
    def hits(self) -> int:
        """Hits of every rule (new and already known alerts)."""
        return sum(r.hits for r in self.rules)

    @property
    def alerts_new(self) -> int:
        """Alerts this run created."""
        return sum(r.alerts_new for r in self.rules)

    @property
    def seconds(self) -> float:
        """Time spent in the rules."""
        return sum(r.seconds for r in self.rules)


def run_rules(
    engine: Engine,
    rules: Sequence[Rule],
    params: Overrides | None = None,
    progress: RuleProgress | None = None,
) -> RuleRunResult:
    """Run ``rules`` (with parameter ``params`` overrides) and store their hits as alerts.

    All rules' alerts commit together or not at all (one transaction), on an engine locked
    down for the run (:func:`~moneytrail.engine.sandbox.locked_down`: no file, no network), and
    the run leaves a record in ``job_runs`` (:mod:`moneytrail.engine.runs`): a run killed in the
    middle keeps no alert and is reported as interrupted by the next one
    (``result.interrupted_runs``).
    """
    params = params or {}
    result = RuleRunResult()
    settings = {
        "rules": [
            {
                "id": rule.id,
                "version": rule.version,
                "source": rule.source,
                "parameters": _plain(effective_parameters(rule, params)),
            }
            for rule in rules
        ]
    }
    # The engine never prints its own progress bar (--json promises a clean stdout); our
    # caller draws progress itself from the engine's progress().
    with recorded(engine, "detect", settings) as run:
        result.job_run_id, result.interrupted_runs = run.id, run.interrupted
        with locked_down(engine) as locked, locked.transaction():
            for rule in rules:
                began = time.perf_counter()
                report = progress(rule.id) if progress else None
                outcome = _run_one(locked, rule, params, report)
                outcome.seconds = round(time.perf_counter() - began, 3)
                if report:
                    report(100, 100)
                result.rules.append(outcome)
            counts = {"rules": len(result.rules), "hits": result.hits}
            run.done(locked, {**counts, "alerts_new": result.alerts_new})
    return result


def _run_one(
    engine: Engine,
    rule: Rule,
    params: Overrides,
    report: Callable[[float, float], None] | None,
) -> RuleOutcome:
    """One rule's hits merged into ``alerts``, inside the caller's transaction."""
    query, rule_args = compile_query(rule, params)
    values = effective_parameters(rule, params)
    version = str(rule.version)
    args: list[Any] = [rule.id, version, rule.subject]  # natural key parts
    args += [rule.id, rule.version, json.dumps(_plain(values), ensure_ascii=False)]
    args += rule_args
    now = datetime.now(UTC).replace(tzinfo=None)
    before = _count(engine, rule)
    hits_sql = _HITS.replace("{rule}", query)
    try:
        if report is not None:
            engine.execute_watched(hits_sql, args, lambda pct: report(max(pct, 0.0), 100.0))
        else:
            engine.execute(hits_sql, args)
    except Exception as exc:  # the rule's own SQL failed: a user error, not ours
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        problem = Problem(
            rule.source or rule.id,
            "detect_rule_failed",
            line=rule.query_line or None,
            field="query",
            params={"detail": detail},
        )
        raise BadInputError("error.detect_rule_refused", [problem], file=rule.source) from exc
    hits = int(engine.fetchall("SELECT count(*) FROM mt_rule_hits")[0][0])
    engine.execute(_MERGE, [rule.id, version, rule.typology, rule.subject, now])
    engine.execute("DROP TABLE mt_rule_hits")
    return RuleOutcome(
        rule=rule.id,
        version=rule.version,
        typology=rule.typology,
        hits=hits,
        alerts_new=_count(engine, rule) - before,
        seconds=0.0,
        parameters=_plain(values),
    )


def _count(engine: Engine, rule: Rule) -> int:
    rows = engine.fetchall(
        "SELECT count(*) FROM alerts WHERE detector = ? AND detector_kind = 'rule'"
        " AND detector_version = ?",
        [rule.id, str(rule.version)],
    )
    return int(rows[0][0])


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """Parameter values as JSON-able data (money as exact strings, durations as text)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, Decimal):
            out[name] = str(value)
        elif isinstance(value, timedelta):
            out[name] = format_duration(value)
        else:
            out[name] = value
    return out


def format_duration(value: timedelta) -> str:
    """``timedelta(days=7)`` -> ``"7d"``; hours or minutes when not whole days."""
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
