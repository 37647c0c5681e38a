"""Tiny named story: one man known to a bank and to a mobile-money operator under three spellings,
and a homonym who shares nothing with him.

* bank (source A): ``Mohamed Ould Ahmed`` born 1980-05-12, phone +22376123456, NINA;
* operator (source B): ``Mouhamadou Ould Ahmed`` (no birth date) and ``محمد ولد أحمد``
  (born 1980-05-12), both with the same phone;
* source B also holds another ``Mohamed Ould Ahmed``, born 1991-02-03, Mauritanian, another phone;
* fillers with unrelated names so that the workspace is not only this man.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from moneytrail.ingest.canonical import IDENTIFIERS, PARTIES
from moneytrail.synth.truth import TRUTH_MEMBERS
from moneytrail.workspace import Workspace

BANK_MAN = "bank-mohamed"
WALLET_MAN = "om-mouhamadou"
ARABIC_MAN = "om-arabic"
HOMONYM = "om-homonym"
ARABIC_NAME = "محمد ولد أحمد"
PHONE = "+22376123456"
FILLERS = [
    ("f-awa", "Awa Traoré", date(1990, 1, 2)),
    ("f-seydou", "Seydou Keïta", date(1975, 3, 4)),
    ("f-fatou", "Fatou Ndiaye", date(1988, 7, 9)),
    ("f-issouf", "Issouf Ouédraogo", date(1969, 11, 30)),
    ("f-hawa", "Hawa Diallo", None),
]


def _party(pid: str, name: str, born: date | None, nat: str | None) -> dict[str, object]:
    return {
        "id": pid,
        "kind": "person",
        "name": name,
        "aliases": [],
        "birth_date": born,
        "nationality": nat,
        "country": "ML",
    }


def _write(path: Path, rows: list[dict[str, object]], schema: pa.Schema) -> Path:
    numbered = [{**row, "source_row": i + 1} for i, row in enumerate(rows)]
    pq.write_table(pa.Table.from_pylist(numbered, schema=schema), path)
    return path


def write_story(folder: Path) -> list[Path]:
    """The story's files in ingest order (bank parties, operator parties, identifiers)."""
    folder.mkdir(parents=True, exist_ok=True)
    bank = [_party(BANK_MAN, "Mohamed Ould Ahmed", date(1980, 5, 12), "ML")]
    bank += [_party(pid, name, born, "ML") for pid, name, born in FILLERS[:3]]
    operator = [
        _party(WALLET_MAN, "Mouhamadou Ould Ahmed", None, "ML"),
        _party(ARABIC_MAN, ARABIC_NAME, date(1980, 5, 12), None),
        _party(HOMONYM, "Mohamed Ould Ahmed", date(1991, 2, 3), "MR"),
    ]
    operator += [_party(pid, name, born, "ML") for pid, name, born in FILLERS[3:]]
    idents = [
        {"owner_id": BANK_MAN, "scheme": "phone", "value": PHONE},
        {"owner_id": BANK_MAN, "scheme": "nina", "value": "ML198005120001"},
        {"owner_id": WALLET_MAN, "scheme": "phone", "value": PHONE},
        {"owner_id": ARABIC_MAN, "scheme": "phone", "value": PHONE},
        {"owner_id": HOMONYM, "scheme": "phone", "value": "+22236000000"},
        {"owner_id": "f-awa", "scheme": "phone", "value": "+22370000001"},
        {"owner_id": "f-fatou", "scheme": "phone", "value": "+221770000002"},
    ]
    return [
        _write(folder / "bank_parties.parquet", bank, PARTIES),
        _write(folder / "operator_parties.parquet", operator, PARTIES),
        _write(folder / "identifiers.parquet", idents, IDENTIFIERS),
    ]


def write_truth(folder: Path) -> Path:
    """The story's truth: the bank man, the wallet man and the Arabic-script record are one."""
    rows = [
        {"instance_id": "man-1", "subject_kind": "party", "subject_id": p, "role": "same_person"}
        for p in (BANK_MAN, WALLET_MAN, ARABIC_MAN)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "truth_identities.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=TRUTH_MEMBERS), path)
    return path


def load_story(ws: Workspace, folder: Path) -> None:
    """Ingest the story into ``ws`` (each file is its own source)."""
    outcomes = ws.ingest(write_story(folder))
    assert all(o.status.value == "loaded" for o in outcomes), outcomes
