"""The cash and hawala sources of a scenario (``moneytrail synth --cash-sources``).

Why an option of ``synth`` and not a command of its own: the demo and the exercises hand a
trainee *one* folder; with this option it also holds what a customs service and a seized
hawala ledger would give (docs/formats/cash_declarations.md, docs/formats/hawala.md), written
by :func:`~moneytrail.synth.cash_ransom.ransom_sources` from the scenario's seed:

* ``mobile_money.csv``: a ransom paid by mobile money to six collectors, two of whom cash out
  at agents while four send their share to a hawaladar in Gao (an operator export, the
  ``mobile_money`` template);
* ``registre_gao.csv`` (French headers), ``ledger_niamey.csv`` and ``ledger_tamanrasset.csv``
  (English): the hawaladars' ledgers, the ransom's transfers among other customers' and
  weekly netting settlements;
* ``declarations.csv``: a courier's border declaration (and a bystander's);
* ``truth_cash_sources.json``: the ransom, the operator ids of its payments and the amount
  that ends on each final endpoint (account id), for grading and measurement.

Assumptions: the story is its own (its wallets and people are not the scenario's residents),
dated from 2025-03-10 whatever the scenario's ``start``; files are written in ingest order:
the mobile-money export before the ledgers (a ledger's pay-in by mobile money starts from the
hawaladar's wallet, decision 0134), the declarations last. Same seed, same bytes.

Example::

    files = write_cash_sources(Path("scenario"), seed=7)
    list(files)[:2]   # ['cash_mobile_money', 'cash_registre_gao']
"""

from __future__ import annotations

import json
from pathlib import Path

from moneytrail.synth.cash_ransom import ransom_sources

CASH_ORDER = (
    "cash_mobile_money",
    "cash_registre_gao",
    "cash_ledger_niamey",
    "cash_ledger_tamanrasset",
    "cash_declarations",
)
"""Kinds of the cash files in the order ``moneytrail ingest`` needs them."""
CASH_FILES = frozenset(
    [f"{kind.removeprefix('cash_')}.csv" for kind in CASH_ORDER] + ["truth_cash_sources.json"]
)
"""File names the option may write (a folder holding them is still a scenario)."""


def write_cash_sources(out: Path, seed: int) -> tuple[dict[str, Path], dict[str, int]]:
    """Write the cash and hawala files under ``out``: their paths by kind (ingest order, then
    ``truth_cash_sources``) and their data rows by file stem."""
    truth = ransom_sources(out, seed=seed)
    by_stem = {path.stem: path for path in truth.files.values()}
    files: dict[str, Path] = {}
    rows: dict[str, int] = {}
    for kind in CASH_ORDER:
        path = by_stem.get(kind.removeprefix("cash_"))
        if path is not None:
            files[kind] = path
            with path.open(encoding="utf-8") as handle:
                rows[path.stem] = sum(1 for _ in handle) - 1
    document = {
        "ransom": truth.ransom,
        "currency": "XOF",
        "ransom_ext_ids": truth.ransom_ext_ids,
        "endpoints": {k: str(v) for k, v in sorted(truth.endpoints.items())},
        "files": [files[k].name for k in CASH_ORDER if k in files],
    }
    truth_path = out / "truth_cash_sources.json"
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
    truth_path.write_text(text + "\n", encoding="utf-8")
    files["truth_cash_sources"] = truth_path
    return files, rows
