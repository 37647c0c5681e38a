"""Reading goAML reports: one STR with its values, several reports, a ZIP, a refusal, a re-load."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from moneytrail.api import Workspace
from moneytrail.ingest.registry import detect_reader

SAMPLES = Path(__file__).parent / "read_samples"
STR = SAMPLES / "str_uae.xml"


def _counts(ws: Workspace) -> dict[str, int]:
    tables = ("transactions", "accounts", "parties", "identifiers", "goaml_reports", "sources")
    return {t: int(ws.engine.fetchall(f"SELECT count(*) FROM {t}")[0][0]) for t in tables}


def _second_report(tmp_path: Path) -> bytes:
    """The sample STR as another report: new reference, new transaction numbers, other codes."""
    text = STR.read_text(encoding="utf-8")
    text = text.replace("BKM-STR-2024-0007", "BKM-SAR-2024-0008").replace("TX-000", "TX-100")
    text = text.replace("<report_code>STR</report_code>", "<report_code>SAR</report_code>")
    text = text.replace("<indicator>AFFRD</indicator>", "<indicator>AFQSC</indicator>")
    return text.encode("utf-8")


def test_str_loads_with_its_values(ws: Workspace) -> None:
    (outcome,) = ws.ingest([STR])
    assert outcome.status == "loaded", [p.render() for p in outcome.problems]
    assert outcome.format == "goaml"  # detected without --format
    assert outcome.inserted["transactions"] == 2
    assert outcome.inserted["parties"] == 2
    assert outcome.inserted["accounts"] == 3
    assert outcome.inserted["identifiers"] == 7
    rows = ws.engine.fetchall(
        "SELECT ext_id, CAST(ts AS VARCHAR), amount, currency, channel FROM transactions"
        " ORDER BY ext_id"
    )
    assert rows == [
        ("TX-0001", "2024-02-27 10:15:00", Decimal("45000.50"), "AED", "cash_deposit"),
        ("TX-0002", "2024-02-28 16:00:00", Decimal("44000"), "AED", "wire"),
    ]
    person = ws.engine.fetchall("SELECT name, aliases FROM parties WHERE kind = 'person'")
    assert person == [("Ahmed Ould Mohamed", ["أحمد ولد محمد"])]  # own-script name kept
    schemes = dict(ws.engine.fetchall("SELECT value, scheme FROM identifiers"))
    assert schemes["B1234567"] == "passport"
    assert schemes["+223 76123456"] == "phone"
    assert schemes["MA.BKO.2019.B.1234"] == "rccm"
    iban = ws.engine.fetchall("SELECT number FROM accounts WHERE institution = 'GTBKAEAD'")
    assert iban == [("AE070331234567890123456",)]


def test_indicators_and_reason_are_searchable(ws: Workspace) -> None:
    ws.ingest([STR])
    (report,) = ws.goaml.reports(indicator="affrd").reports
    assert report.report_code == "STR"
    assert report.indicators == ["ACTRC", "AFFRD"]
    assert report.reason is not None and "سيولة نقدية" in report.reason  # as written
    assert len(report.transaction_ids) == 2
    assert len(ws.goaml.reports(text="depots FRACTIONNES")) == 1  # accents and case ignored
    assert len(ws.goaml.reports(text="hawala")) == 0
    assert len(ws.goaml.reports(code="SAR")) == 0


def test_multi_report_file(ws: Workspace, tmp_path: Path) -> None:
    first = STR.read_bytes().split(b"?>", 1)[1]
    second = _second_report(tmp_path).split(b"?>", 1)[1]
    path = tmp_path / "reports.xml"
    path.write_bytes(
        b"<?xml version='1.0' encoding='UTF-8'?>\n<reports>" + first + second + b"</reports>"
    )
    (outcome,) = ws.ingest([path])
    assert outcome.status == "loaded", [p.render() for p in outcome.problems]
    assert outcome.inserted["transactions"] == 4
    assert {r.report_code for r in ws.goaml.reports()} == {"STR", "SAR"}
    assert len(ws.goaml.reports(indicator="AFQSC")) == 1


def test_zip_of_reports(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "lot.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(STR, "str-0007.xml")
        archive.writestr("sar-0008.xml", _second_report(tmp_path))
    (outcome,) = ws.ingest([path])
    assert outcome.status == "loaded", [p.render() for p in outcome.problems]
    assert outcome.format == "goaml"
    assert outcome.inserted["transactions"] == 4
    rows = dict(ws.engine.fetchall("SELECT member, source_row FROM goaml_reports"))
    assert rows == {"str-0007.xml": 1_000_000_002, "sar-0008.xml": 2_000_000_002}


def test_invalid_report_refuses_the_whole_file(ws: Workspace, tmp_path: Path) -> None:
    ws.ingest([STR])
    before = _counts(ws)
    good = _second_report(tmp_path).split(b"?>", 1)[1]
    bad = good.replace(b"BKM-SAR-2024-0008", b"BKM-SAR-2024-0009").replace(
        b"<amount_local>44000</amount_local>", b"<amount_local>beaucoup</amount_local>"
    )
    path = tmp_path / "mixed.xml"
    path.write_bytes(b"<reports>\n" + good + b"\n" + bad + b"</reports>")
    (outcome,) = ws.ingest([path])
    assert outcome.status == "refused"
    rendered = [p.render("fr") for p in outcome.problems]
    assert rendered and all(r.startswith(f"{path}:") for r in rendered)
    line = _line_of(path, b"beaucoup")
    assert any(
        r.startswith(f"{path}:{line}: report/transaction[2]/amount_local") for r in rendered
    ), rendered
    assert _counts(ws) == before  # nothing partial


def _line_of(path: Path, needle: bytes) -> int:
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_second_load_is_a_no_op(ws: Workspace) -> None:
    ws.ingest([STR])
    before = _counts(ws)
    (outcome,) = ws.ingest([STR])
    assert outcome.status == "unchanged"
    assert _counts(ws) == before


def test_format_detected(tmp_path: Path) -> None:
    assert detect_reader(STR).name == "goaml"
    path = tmp_path / "one.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(STR, "a.xml")
    assert detect_reader(path).name == "goaml"


def test_cli_reports(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    assert cli("init", folder).code == 0
    assert cli("ingest", "-w", folder, STR).code == 0
    result = cli("goaml", "reports", "-w", folder, "--indicator", "ACTRC", "--json")
    assert result.code == 0, result.err
    assert [r["entity_reference"] for r in result.json()["reports"]] == ["BKM-STR-2024-0007"]
    table = cli("--lang", "fr", "goaml", "reports", "-w", folder, "--text", "surveillance")
    assert table.code == 0 and "1 déclaration(s) goAML" in table.out
