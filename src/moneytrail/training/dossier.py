"""Build a trainee dossier and its answer key from a generated scenario.

A dossier is what a trainee receives at the start of an exercise: the data files (canonical
Parquet, loadable with ``moneytrail ingest``) and a French briefing, the *note de saisine*, with
the starting clue of a kidnapping-for-ransom case: the wallet that paid the ransom, the amount and
the date. The answer key (kept by the trainer, in a separate folder) is derived from the
generator's ground truth of that case, so it is right by construction.

Levels: see :mod:`moneytrail.training.levels`.

What the key expects, from the ground truth of the focal ``kidnap_ransom`` instance:

* accounts: every account the instance labels (payer, collectors, layers, cash-out agent);
* parties: the holders of those accounts;
* endpoints: for each account that received the ``cash_out`` transactions, their total;
* sanctioned links (expert): the listed person of the ``sanctioned_proxy`` instance.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from moneytrail.engine.duckdb_engine import DuckDBEngine
from moneytrail.errors import UsageError
from moneytrail.files.literal import literal_path
from moneytrail.files.outputs import atomic_folder
from moneytrail.i18n import translate
from moneytrail.synth import INGEST_ORDER, generate
from moneytrail.synth.config import SynthConfig
from moneytrail.training.levels import LEVELS


@dataclass
class Dossier:
    """Where the exercise was written."""

    exercise_id: str
    dossier: Path
    key: Path
    briefing: Path


def new_exercise(level: str, seed: int, out: Path) -> Dossier:
    """Generate the scenario, write ``out/dossier`` (for the trainee) and ``out/corrige``."""
    if level not in LEVELS:
        raise UsageError("error.exercise_level", level=level, known=", ".join(LEVELS))
    if out.exists() and any(out.iterdir()):
        raise UsageError("error.exercise_out_not_empty", path=str(out))
    spec = LEVELS[level]
    config = SynthConfig(
        scale=spec.scale,
        seed=seed,
        days=spec.days,
        difficulty=spec.difficulty,
        typologies=spec.typologies,
    )
    exercise_id = f"EX-{level[:3].upper()}-{seed:04d}"
    # Dossier and key appear together or not at all (a kill leaves no half exercise).
    with atomic_folder(out) as part:
        scenario = part / "corrige" / "scenario"
        result = generate(config, scenario)
        data = part / "dossier" / "donnees"
        data.mkdir(parents=True)
        for kind in INGEST_ORDER:
            shutil.copy2(result.files[kind], data / f"{kind}.parquet")
        key, clue = _answer_key(scenario, exercise_id, level)
        key_text = yaml.safe_dump(key, allow_unicode=True, sort_keys=False)
        (part / "corrige" / "cle.yaml").write_text(key_text, "utf-8")
        briefing = translate("training.briefing", "fr", exercise=exercise_id, level=level, **clue)
        (part / "dossier" / "note_de_saisine.md").write_text(briefing, "utf-8")
    return Dossier(
        exercise_id,
        out / "dossier",
        out / "corrige" / "cle.yaml",
        out / "dossier" / "note_de_saisine.md",
    )


def _answer_key(
    scenario: Path, exercise_id: str, level: str
) -> tuple[dict[str, object], dict[str, str]]:
    engine = DuckDBEngine()
    try:
        for name in ("transactions", "accounts", "parties", "truth_members", "truth_instances"):
            with literal_path(scenario / f"{name}.parquet") as table_file:
                engine.execute(
                    f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)",  # noqa: S608 - fixed names
                    [str(table_file)],
                )
        focal = engine.fetchall(
            "SELECT instance_id FROM truth_instances WHERE typology = 'kidnap_ransom'"
            " ORDER BY instance_id LIMIT 1"
        )[0][0]
        members = "SELECT subject_id FROM truth_members WHERE instance_id = ? AND subject_kind = ?"
        accounts = engine.fetchall(
            f"SELECT DISTINCT number FROM accounts WHERE id IN ({members}) ORDER BY 1",  # noqa: S608
            [focal, "account"],
        )
        parties = engine.fetchall(
            f"SELECT DISTINCT name FROM parties WHERE id IN ({members}) ORDER BY 1",  # noqa: S608
            [focal, "party"],
        )
        role_tx = (
            "SELECT t.* FROM transactions t JOIN truth_members m ON m.subject_id = t.id"
            " WHERE m.instance_id = ? AND m.subject_kind = 'transaction' AND m.role = ?"
        )
        endpoints = engine.fetchall(
            f"SELECT a.number, sum(t.amount) FROM ({role_tx}) t"  # noqa: S608 - fixed fragments
            " JOIN accounts a ON a.id = coalesce(t.dst_account_id, t.src_account_id)"
            " GROUP BY 1 ORDER BY 1",
            [focal, "cash_out"],
        )
        payer, total, first = engine.fetchall(
            f"SELECT a.number, sum(t.amount), min(t.ts) FROM ({role_tx}) t"  # noqa: S608
            " JOIN accounts a ON a.id = t.src_account_id GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
            [focal, "ransom_split"],
        )[0]
        sanctioned = engine.fetchall(
            "SELECT DISTINCT p.name FROM truth_members m JOIN parties p ON p.id = m.subject_id"
            " WHERE m.subject_kind = 'party' AND m.role = 'sanctioned' ORDER BY 1"
        )
    finally:
        engine.close()
    key: dict[str, object] = {
        "exercise_id": exercise_id,
        "level": level,
        "currency": "XOF",
        "tolerance": "0.05",
        "typologies": ["kidnap_ransom"],
        "accounts": [r[0] for r in accounts],
        "parties": [r[0] for r in parties],
        "endpoints": [{"account": n, "amount": int(a)} for n, a in endpoints],
        "sanctioned_links": [{"party": r[0]} for r in sanctioned],
    }
    clue = {
        "payer": str(payer),
        "amount": f"{int(total):,}".replace(",", " "),
        "date": f"{first:%d/%m/%Y}",
    }
    return key, clue
