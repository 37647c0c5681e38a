"""How well the rule alerts of a workspace match its ground-truth labels (account level).

Why: a rule library is only worth what it finds on data whose answer is known. On a scenario
from ``moneytrail synth`` (truth loaded into ``labels``), each rule is compared with the
typology it is meant to find and the *key role* of that typology: the account an FIU would
want flagged (the structurer, the fan-in target, the mule...), not every member (a villager
extorted for "zakat" is a victim, not a subject). The pairing is :data:`EXPECTED`; rules with
no synthetic counterpart (``velocity``, ``dormant_reactivated``, ``high_risk_corridor`` with
its default country list) still get a precision.

* recall = key-role accounts of the expected typologies that are the subject of one of the
  rule's alerts / key-role accounts;
* instance recall = instances with at least one key-role account flagged / instances;
* precision = flagged subject accounts that carry any label of any typology / flagged accounts
  (an unlabelled account is "not known to be involved": precision is a lower bound);
* precision (expected) = flagged accounts labelled in an expected typology / flagged accounts.

>>> sorted(EXPECTED)[:2]
['dormant_reactivated', 'fan_in']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moneytrail.engine.base import Engine

# rule id -> {synthetic typology: key roles}
EXPECTED: dict[str, dict[str, tuple[str, ...]]] = {
    "dormant_reactivated": {},
    "fan_in": {"fan_in": ("target",), "gather_scatter": ("hub",)},
    "fan_out": {"fan_out": ("origin",), "gather_scatter": ("hub",)},
    "high_risk_corridor": {},
    "large_cash": {"cash_courier": ("organiser",)},
    "mobile_money_pooling": {"zakat_extortion": ("collector",)},
    "mule_pass_through": {"mule_chain": ("mule",), "kidnap_ransom": ("collector", "layer")},
    "npo_cash_after_foreign_funds": {"ngo_diversion": ("ngo",)},
    "round_tripping": {"cycle": ("ring",)},
    "scatter_gather": {"scatter_gather": ("origin",)},
    "structuring": {"structuring": ("structurer",)},
    "velocity": {},
}


@dataclass
class RuleQuality:
    """Quality figures of one rule (see the module docstring for the definitions)."""

    rule: str
    typologies: str
    flagged_accounts: int
    precision: float | None
    precision_expected: float | None
    key_accounts: int
    recall: float | None
    instances: int
    instance_recall: float | None


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def rule_quality(engine: Engine) -> list[RuleQuality]:
    """Quality of every rule that has alerts or an expected typology, sorted by rule id."""
    engine.execute(
        "CREATE OR REPLACE TEMP TABLE mt_q_expected (rule VARCHAR, typology VARCHAR, role VARCHAR)"
    )
    rows = [
        (rule, typ, role)
        for rule, typs in EXPECTED.items()
        for typ, roles in typs.items()
        for role in roles
    ]
    for row in rows:
        engine.execute("INSERT INTO mt_q_expected VALUES (?, ?, ?)", list(row))
    result = engine.fetchall(
        """
        WITH flagged AS (
            SELECT DISTINCT detector AS rule, subject_id FROM alerts
            WHERE detector_kind = 'rule' AND subject_kind = 'account'
        ), acc_labels AS (
            SELECT DISTINCT subject_id, typology, label AS role, instance_id FROM labels
            WHERE subject_kind = 'account'
        ), rules AS (
            SELECT rule FROM flagged UNION SELECT DISTINCT rule FROM mt_q_expected
            UNION SELECT ? WHERE false
        ), key AS (
            SELECT e.rule, l.subject_id, l.instance_id FROM mt_q_expected e
            JOIN acc_labels l ON l.typology = e.typology AND l.role = e.role
        ), exp_typ AS (SELECT DISTINCT rule, typology FROM mt_q_expected)
        SELECT r.rule,
               coalesce((SELECT string_agg(typology, ', ' ORDER BY typology) FROM exp_typ x
                         WHERE x.rule = r.rule), '') AS typologies,
               (SELECT count(*) FROM flagged f WHERE f.rule = r.rule) AS flagged,
               (SELECT count(*) FROM flagged f WHERE f.rule = r.rule AND EXISTS
                   (SELECT 1 FROM acc_labels l WHERE l.subject_id = f.subject_id)) AS labelled,
               (SELECT count(*) FROM flagged f WHERE f.rule = r.rule AND EXISTS
                   (SELECT 1 FROM acc_labels l JOIN exp_typ x ON x.typology = l.typology
                    WHERE l.subject_id = f.subject_id AND x.rule = r.rule)) AS labelled_exp,
               (SELECT count(DISTINCT subject_id) FROM key k WHERE k.rule = r.rule) AS keys,
               (SELECT count(DISTINCT k.subject_id) FROM key k JOIN flagged f
                   ON f.subject_id = k.subject_id AND f.rule = k.rule
                WHERE k.rule = r.rule) AS keys_found,
               (SELECT count(DISTINCT instance_id) FROM key k WHERE k.rule = r.rule) AS inst,
               (SELECT count(DISTINCT k.instance_id) FROM key k JOIN flagged f
                   ON f.subject_id = k.subject_id AND f.rule = k.rule
                WHERE k.rule = r.rule) AS inst_found
        FROM rules r ORDER BY r.rule
        """,
        [None],
    )
    engine.execute("DROP TABLE mt_q_expected")
    out = []
    for rule, typs, flagged, lab, lab_exp, keys, found, inst, inst_found in result:
        out.append(
            RuleQuality(
                rule=rule,
                typologies=typs,
                flagged_accounts=int(flagged),
                precision=_ratio(int(lab), int(flagged)),
                precision_expected=_ratio(int(lab_exp), int(flagged)) if typs else None,
                key_accounts=int(keys),
                recall=_ratio(int(found), int(keys)),
                instances=int(inst),
                instance_recall=_ratio(int(inst_found), int(inst)),
            )
        )
    return out


def quality_markdown(rows: list[RuleQuality]) -> str:
    """The quality table as Markdown (``-`` where a figure has no denominator)."""

    def cell(value: Any) -> str:
        return "-" if value is None else str(value)

    lines = [
        "| rule | expected synthetic typology (key role) | flagged accounts | precision (any label)"
        " | precision (expected typology) | key accounts | recall | instances | instance recall |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        roles = "; ".join(
            f"{t} ({', '.join(roles)})" for t, roles in EXPECTED.get(r.rule, {}).items()
        )
        lines.append(
            f"| `{r.rule}` | {roles or '-'} | {r.flagged_accounts} | {cell(r.precision)}"
            f" | {cell(r.precision_expected)} | {r.key_accounts} | {cell(r.recall)}"
            f" | {r.instances} | {cell(r.instance_recall)} |"
        )
    return "\n".join(lines)
