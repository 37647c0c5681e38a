"""The generator's cash and hawala sources load through the readers and agree with their truth."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from moneytrail.ingest.base import IngestOptions
from moneytrail.synth.cash_ransom import ransom_sources
from moneytrail.synth.cash_sources import hawala_ledgers
from moneytrail.trace import Seed, TraceSettings, trace
from moneytrail.trace.model import EndpointKind
from moneytrail.workspace import Workspace


def test_generated_ledgers_load_clean_and_codes_link_every_true_pair(tmp_path: Path) -> None:
    ledgers = hawala_ledgers(seed=3, transfers=40, days=14)
    files = ledgers.write(tmp_path / "ledgers")
    names = sorted(p.name for p in files)
    assert names == ["ledger_niamey.csv", "ledger_tamanrasset.csv", "registre_gao.csv"]
    ws = Workspace.init(tmp_path / "ws")
    try:
        outcomes = [ws.ingest([p], IngestOptions())[0] for p in files]
        assert [(o.format, o.rows_rejected) for o in outcomes] == [("hawala", 0)] * 3
        where = {
            tid: (Path(path).name, line)
            for tid, path, line in ws.engine.fetchall(
                "SELECT t.id, s.path, t.source_row FROM transactions t"
                " JOIN sources s ON s.id = t.source_id WHERE t.tx_type LIKE 'hawala_pay_%'"
            )
        }
        found = {
            (where[e.split(":")[1]], where[e.split(":")[2]])
            for (e,) in ws.engine.fetchall(
                "SELECT ext_id FROM transactions WHERE tx_type = 'hawala_link_code'"
            )
        }
    finally:
        ws.close()
    assert found == set(ledgers.pairs) and len(found) == 40


def test_the_generated_ransom_reaches_its_endpoints_only_with_the_ledgers(tmp_path: Path) -> None:
    truth = ransom_sources(tmp_path / "scenario", seed=11)
    assert sum(truth.endpoints.values()) < truth.ransom  # the hawaladars' commission
    shares = []
    for label, extra in (
        ("without", []),
        ("with", [k for k in truth.files if k != "mobile_money"]),
    ):
        ws = Workspace.init(tmp_path / label)
        try:
            for path in [truth.files["mobile_money"], *(truth.files[k] for k in extra)]:
                assert ws.ingest([path], IngestOptions())[0].rows_rejected == 0
            marks = ", ".join("?" * len(truth.ransom_ext_ids))
            ids = tuple(
                r[0]
                for r in ws.engine.fetchall(
                    f"SELECT id FROM transactions WHERE ext_id IN ({marks})",
                    truth.ransom_ext_ids,
                )
            )
            settings = TraceSettings(stop_at=frozenset({EndpointKind.CASH}), max_hops=8)
            result = trace(ws.engine, Seed(transactions=ids), settings)
        finally:
            ws.close()
        reached = sum(
            (e.amount for e in result.endpoints if e.account_id in truth.endpoints), Decimal(0)
        )
        shares.append(reached / truth.ransom)
    assert shares[0] < Decimal("0.7") and shares[1] > Decimal("0.9"), shares
