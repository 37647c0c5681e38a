"""Typology rules benchmark: the whole shipped library over a synthetic year, and one rule
against a plain-Python peer.

The workspace is ``moneytrail synth --scale N --seed 1`` (one year; 7,000 residents give about
1.15 million transactions) ingested with its ground truth; it is kept between runs under
``benchmarks/.data``.

- ours: :func:`moneytrail.detect.rules.run_rules` with every shipped rule (alerts of earlier runs
  deleted first, so every hit is inserted), time per rule and in total;
- peer: the ``fan_in`` rule (distinct senders in a sliding 7-day window, windows merged) written
  straightforwardly in Python over the same filtered rows fetched from the same workspace (a
  two-pointer window with a Counter per account), measured in the same run, fetch included.
  Both must find the same number of hits; the ratio is ours (fan_in alone) / peer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, Measure, measure, stamp, write_section

SYNTH = ("synth", "--seed", "1", "--json")
FILES = ("parties", "accounts", "identifiers", "transactions", "truth_members")


def generate(scale: int, folder: Path) -> Path:
    """The workspace of ``moneytrail synth --scale scale --seed 1`` (kept between runs)."""
    if (folder / "workspace.duckdb").exists():
        return folder
    scenario = folder.with_name(folder.name + ".scenario")
    building = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(building, ignore_errors=True)
    cli = [sys.executable, "-m", "moneytrail"]
    subprocess.run(
        [*cli, *SYNTH, "--scale", str(scale), "--out", str(scenario)],
        check=True,
        capture_output=True,
    )
    subprocess.run([*cli, "init", str(building)], check=True, capture_output=True)
    subprocess.run(
        [
            *cli,
            "ingest",
            "-w",
            str(building),
            "--json",
            *(str(scenario / f"{name}.parquet") for name in FILES),
        ],
        check=True,
        capture_output=True,
    )
    shutil.rmtree(scenario, ignore_errors=True)
    building.rename(folder)
    return folder


def job_ours(folder: str) -> dict[str, Any]:
    """Every shipped rule; figures per rule."""
    from moneytrail.detect.rules import load_library, run_rules
    from moneytrail.workspace import Workspace

    with Workspace.open(folder) as ws:
        ws.engine.execute("DELETE FROM alerts WHERE detector_kind = 'rule'")
        transactions = ws.engine.fetchall("SELECT count(*) FROM transactions")[0][0]
        result = run_rules(ws.engine, list(load_library().values()))
    return {
        "transactions": int(transactions),
        "rules": {r.rule: [r.seconds, r.hits] for r in result.rules},
        "total": result.seconds,
        "hits": result.hits,
    }


def job_peer(folder: str) -> dict[str, Any]:
    """fan_in in plain Python over the rows the rule's first step selects."""
    from moneytrail.detect.rules import effective_parameters, load_library
    from moneytrail.workspace import Workspace

    params = effective_parameters(load_library()["fan_in"], {})
    with Workspace.open(folder, read_only=True) as ws:
        rows = ws.engine.fetchall(
            "SELECT t.dst_account_id, t.ts, t.src_account_id, t.amount_reporting, t.id"
            " FROM transactions t JOIN accounts a ON a.id = t.dst_account_id"
            " LEFT JOIN parties p ON p.id = a.holder_party_id"
            " WHERE t.src_account_id IS NOT NULL AND t.src_account_id <> t.dst_account_id"
            " AND t.amount_reporting >= ? AND a.kind NOT IN ('cash', 'external')"
            " AND list_contains(?, coalesce(p.kind, 'unknown'))"
            " ORDER BY t.dst_account_id, t.ts",
            [params["min_amount"], params["holder_kinds"]],
        )
    by_account: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_account.setdefault(row[0], []).append(row)
    hits = sum(
        _fan_in_account(legs, params["window"], params["min_counterparties"], params["min_total"])
        for legs in by_account.values()
    )
    return {"hits": hits, "rows": len(rows)}


def _fan_in_account(
    legs: list[tuple[Any, ...]], window: timedelta, need: int, total_min: Decimal
) -> int:
    senders: Counter[str] = Counter()
    total = Decimal(0)
    end = 0
    anchors = []
    for _, ts, src, amount, _ in legs:
        while end < len(legs) and legs[end][1] <= ts + window:
            senders[legs[end][2]] += 1
            total += legs[end][3]
            end += 1
        if len(senders) >= need and total >= total_min:
            anchors.append(ts)
        senders[src] -= 1
        if not senders[src]:
            del senders[src]
        total -= amount
    islands, previous = 0, None
    for ts in anchors:
        if previous is None or ts > previous + window:
            islands += 1
        previous = ts
    return islands


def run(scale: int = 7000) -> str:
    """Measure ours and the peer on one workspace; write the docs section; return it."""
    folder = generate(scale, DATA / f"detect_rules-{scale}")
    load = os.getloadavg()[0]
    ours: Measure = measure("bench_detect_rules", "job_ours", str(folder), timeout=3600)
    peer: Measure = measure("bench_detect_rules", "job_peer", str(folder), timeout=3600)
    rules = ours.figures["rules"]
    fan_in_seconds, fan_in_hits = rules["fan_in"]
    lines = [
        "## Typology rules (`moneytrail detect run`), ours (DuckDB SQL) vs plain Python",
        "",
        stamp(),
        f"Load average when the run started: {load:.1f} on {os.cpu_count()} cores"
        + (" (other jobs were running: a quiet machine is faster)." if load > 1 else "."),
        "",
        f"Workspace: `moneytrail synth --scale {scale} --seed 1` (365 days),"
        f" {ours.figures['transactions']:,} transactions, ground truth loaded. All"
        f" {len(rules)} shipped rules: **{ours.figures['total']:.1f} s** of rule time"
        f" ({ours.seconds:.1f} s for the whole job, workspace opening and clean-up included), peak RSS"
        f" {ours.peak_mib:.0f} MiB, {ours.figures['hits']:,} hits.",
        "",
        "| rule | seconds | hits |",
        "|---|---|---|",
        *(f"| `{name}` | {sec:.2f} | {hits:,} |" for name, (sec, hits) in rules.items()),
        "",
        f"Peer: `fan_in` in plain Python (two-pointer sliding window, Counter of senders) over"
        f" the {peer.figures['rows']:,} rows the rule selects, fetch included:"
        f" {peer.seconds:.2f} s, {peer.figures['hits']:,} hits (ours: {fan_in_hits:,})."
        f" Ratio ours / peer for `fan_in`: **{fan_in_seconds / peer.seconds:.2f}**"
        ".",
    ]
    body = "\n".join(lines)
    write_section("detect_rules", body)
    return body
