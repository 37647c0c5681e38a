"""Ground truth of a scenario: which instances were injected, and who did what in each.

``truth_instances.parquet``: ``instance_id``, ``typology``, ``difficulty``, ``first_ts``,
``last_ts``, ``transactions`` (count), ``parameters`` (JSON with sorted keys: the ransom, the
number of hops, the UN reference...). ``truth_members.parquet``: ``instance_id``,
``subject_kind`` (transaction / account / party), ``subject_id`` (the canonical id), ``role``.
These files are not ingested: evaluation loads them beside the workspace.
``truth_identities.parquet`` (same columns as ``truth_members``) says which party records are
one person (see :mod:`moneytrail.synth.duplicates`); ``moneytrail ingest`` loads it into
``labels`` with the label ``same_person``.

>>> TRUTH_INSTANCES.names[:2]
['instance_id', 'typology']
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from moneytrail.synth.typologies.base import InstanceBuilder
from moneytrail.synth.writer import write_table

TRUTH_INSTANCES = pa.schema(
    [
        ("instance_id", pa.string()),
        ("typology", pa.string()),
        ("difficulty", pa.float64()),
        ("first_ts", pa.timestamp("us")),
        ("last_ts", pa.timestamp("us")),
        ("transactions", pa.int64()),
        ("parameters", pa.string()),
    ]
)

TRUTH_MEMBERS = pa.schema(
    [
        ("instance_id", pa.string()),
        ("subject_kind", pa.string()),
        ("subject_id", pa.string()),
        ("role", pa.string()),
    ]
)


def write_truth(
    out: Path, instances: list[InstanceBuilder], row_group_size: int
) -> dict[str, Path]:
    """Write both truth files under ``out``; returns their paths by name."""
    rows = []
    for inst in instances:
        first, last = inst.window()
        rows.append(
            {
                "instance_id": inst.instance_id,
                "typology": inst.typology,
                "difficulty": inst.difficulty,
                "first_ts": np.datetime64(first, "us").astype(object),
                "last_ts": np.datetime64(last, "us").astype(object),
                "transactions": len(inst.rows),
                "parameters": json.dumps(inst.parameters, sort_keys=True, ensure_ascii=False),
            }
        )
    members = [
        {"instance_id": inst.instance_id, "subject_kind": k, "subject_id": s, "role": r}
        for inst in instances
        for (k, s, r) in inst.members
    ]
    paths = {
        "truth_instances": out / "truth_instances.parquet",
        "truth_members": out / "truth_members.parquet",
    }
    write_table(
        paths["truth_instances"], pa.Table.from_pylist(rows, TRUTH_INSTANCES), row_group_size
    )
    write_table(
        paths["truth_members"], pa.Table.from_pylist(members, TRUTH_MEMBERS), row_group_size
    )
    return paths


def write_identities(out: Path, rows: list[dict[str, str]], row_group_size: int) -> dict[str, Path]:
    """Write ``truth_identities.parquet`` (party records of one person) under ``out``."""
    path = out / "truth_identities.parquet"
    write_table(path, pa.Table.from_pylist(rows, TRUTH_MEMBERS), row_group_size)
    return {"truth_identities": path}


@dataclass(frozen=True)
class RansomClue:
    """The starting clue of a scenario's first kidnapping case, as an investigator gets it.

    ``payments``: ids of the ransom payments (role ``ransom_split``), sorted; ``payer_account``:
    the account that paid them (role ``ransom_payer``).
    """

    instance_id: str
    payments: tuple[str, ...]
    payer_account: str


def ransom_clue(files: Mapping[str, Path]) -> RansomClue | None:
    """The clue of the first ``kidnap_ransom`` instance (by id) of a scenario's truth files
    (``truth_instances`` and ``truth_members`` of :attr:`SynthResult.files`); ``None`` when the
    scenario has no kidnapping case."""
    instances = pq.read_table(files["truth_instances"], columns=["instance_id", "typology"])
    kidnappings = sorted(
        str(row["instance_id"])
        for row in instances.to_pylist()
        if row["typology"] == "kidnap_ransom"
    )
    if not kidnappings:
        return None
    focal = kidnappings[0]
    members = pq.read_table(
        files["truth_members"], filters=[("instance_id", "=", focal)]
    ).to_pylist()
    payments = sorted(str(m["subject_id"]) for m in members if m["role"] == "ransom_split")
    payers = sorted(
        str(m["subject_id"])
        for m in members
        if m["role"] == "ransom_payer" and m["subject_kind"] == "account"
    )
    if not payments or not payers:
        return None
    return RansomClue(focal, tuple(payments), payers[0])
