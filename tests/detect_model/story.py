"""Story data for the scoring-model tests: "collectors_gather_from_many_mules".

Normal life: 250 accounts pay each other at random over 60 days. Crime: 30 times, 12 distinct
mules each pay one collector within two hours (a fan-in), evenly spread over the period so that
every part of the temporal split holds some. Labels: the fan-in transactions (``transaction``)
or only the mules' and collectors' accounts (``account``, as AMLSim's nodes.csv).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from moneytrail.engine.base import Engine

START = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
DAYS = 60
ACCOUNTS = 250
NORMAL = 4_000
INSTANCES = 30
MULES = 12


def build_story(engine: Engine, labels: str = "transaction", seed: int = 1) -> int:
    """Load the story into an empty workspace; returns the number of labelled transactions."""
    rng = np.random.default_rng(seed)
    accounts = [f"acct-{i:04d}" for i in range(ACCOUNTS)]
    src = rng.integers(0, ACCOUNTS, NORMAL)
    dst = (src + rng.integers(1, ACCOUNTS, NORMAL)) % ACCOUNTS
    ts = START + rng.integers(0, DAYS * 86_400, NORMAL)
    amount = np.round(rng.lognormal(9, 1, NORMAL))
    crime_src, crime_dst, crime_ts, crime_amount, typ = [], [], [], [], []
    for k in range(INSTANCES):
        collector = int(rng.integers(0, ACCOUNTS))
        mules = rng.choice([a for a in range(ACCOUNTS) if a != collector], MULES, replace=False)
        t0 = START + int((k + 0.5) * DAYS * 86_400 / INSTANCES)
        crime_src += [int(m) for m in mules]
        crime_dst += [collector] * MULES
        crime_ts += list(t0 + np.sort(rng.integers(0, 7_200, MULES)))
        crime_amount += list(np.round(rng.uniform(95_000, 99_000, MULES)))
        typ += ["fan_in"] * MULES
    all_src = np.concatenate([src, crime_src])
    all_dst = np.concatenate([dst, crime_dst])
    all_ts = np.concatenate([ts, crime_ts]).astype("datetime64[s]").astype("datetime64[us]")
    all_amount = np.concatenate([amount, crime_amount])
    n = len(all_src)
    ids = [f"tx-{i:06d}" for i in range(n)]
    engine.append_arrow(
        "accounts",
        pa.table({"id": accounts, "kind": ["bank"] * ACCOUNTS, "source_id": ["story"] * ACCOUNTS}),
    )
    engine.append_arrow(
        "transactions",
        pa.table(
            {
                "id": ids,
                "ts": pa.array(all_ts, pa.timestamp("us")),
                "src_account_id": [accounts[int(i)] for i in all_src],
                "dst_account_id": [accounts[int(i)] for i in all_dst],
                "amount": pa.array(all_amount, pa.float64()),
                "amount_reporting": pa.array(all_amount, pa.float64()),
                "currency": ["XOF"] * n,
                "channel": ["wire"] * n,
                "source_id": ["story"] * n,
                "source_row": list(range(1, n + 1)),
            }
        ),
    )
    crime_ids = ids[NORMAL:]
    if labels == "transaction":
        subjects, kind = crime_ids, "transaction"
    else:
        members = sorted({accounts[i] for i in crime_src} | {accounts[i] for i in crime_dst})
        subjects, kind = members, "account"
    engine.append_arrow(
        "labels",
        pa.table(
            {
                "subject_kind": [kind] * len(subjects),
                "subject_id": subjects,
                "label": ["laundering"] * len(subjects),
                "typology": ["fan_in"] * len(subjects),
                "source_id": ["story"] * len(subjects),
            }
        ),
    )
    return len(crime_ids)


def story_workspace(folder: Path, labels: str = "transaction") -> Path:
    """A new workspace in ``folder`` holding the story (the setup of most CLI tests here)."""
    from moneytrail.workspace import Workspace

    with Workspace.init(folder) as ws:
        build_story(ws.engine, labels)
    return folder
