"""An AMLworld-format file (tiny, made here: the real files are not shipped) end to end."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from moneytrail.detect.model.evaluate import EvaluateSettings, evaluate_workspace
from moneytrail.workspace import Workspace

HEADER = (
    "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
    "Amount Paid,Payment Currency,Payment Format,Is Laundering"
)


def write_small_trans(path: Path, seed: int = 3) -> int:
    """Random ACH payments among 120 accounts over 40 days, plus 24 labelled fan-ins of 10."""
    rng = np.random.default_rng(seed)
    start = datetime(2022, 9, 1, tzinfo=UTC).timestamp()
    rows: list[tuple[float, int, int, float, int]] = []
    for _ in range(2_000):
        a, b = rng.choice(120, 2, replace=False)
        rows.append((start + rng.integers(0, 40 * 86_400), a, b, round(rng.lognormal(6, 1), 2), 0))
    for k in range(24):
        collector = int(rng.integers(0, 120))
        t0 = start + (k + 0.5) * 40 * 86_400 / 24
        for mule in rng.choice([m for m in range(120) if m != collector], 10, replace=False):
            rows.append((t0 + rng.integers(0, 3_600), int(mule), collector, 9_800.0, 1))
    rows.sort()
    lines = [HEADER]
    for ts, a, b, amount, label in rows:
        when = datetime.fromtimestamp(ts, UTC).strftime("%Y/%m/%d %H:%M")
        lines.append(
            f"{when},0{a % 7},{a:08X},0{b % 7},{b:08X},{amount:.2f},US Dollar,{amount:.2f},"
            f"US Dollar,ACH,{label}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(r[4] for r in rows)


def test_amlworld_file_is_evaluated_at_transaction_level(tmp_path: Path) -> None:
    source = tmp_path / "Tiny_Trans.csv"
    positives = write_small_trans(source)
    with Workspace.init(tmp_path / "ws") as ws:
        ws.ingest([source])
        assert ws.engine.fetchall("SELECT count(*) FROM labels")[0][0] == positives
        report = evaluate_workspace(ws.engine, ws.path, EvaluateSettings(threads=1))
    ours = report.sides[0]
    assert report.target_kind == "transaction"
    assert ours.account_test is None  # AMLworld labels transactions only
    assert ours.test.positives > 0 and ours.test.f1 > 0.5, ours.test
