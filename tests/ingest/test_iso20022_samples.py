"""Every public ISO 20022 sample loads (or is refused for its documented reason), and a few
values checked by hand against the XML land where they belong."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.iso20022 import Iso20022Reader
from moneytrail.ingest.pipeline import FileOutcome
from moneytrail.workspace import Workspace
from tests.conftest import SHARED_DATA

ISO = SHARED_DATA / "iso20022"
SAMPLES = sorted(
    [*ISO.glob("samples_moov/*.xml"), *ISO.glob("samples_prowide/*.xml")],
    key=lambda p: p.name,
)
# Entries a camt.052/054 sample reports as not booked: quarantined on purpose (documented).
NOT_BOOKED = {"FI_camt_052_sample.xml.xml": 1, "FI_camt_054_sample.xml.xml": 1}


def load(ws: Workspace, path: Path, **options: Any) -> FileOutcome:
    """Ingest one file; the format name given is only the entry point (the message decides)."""
    options.setdefault("format", "camt.053")
    return ws.ingest([path], IngestOptions(**options))[0]


def rows(ws: Workspace, sql: str, *params: object) -> list[tuple[Any, ...]]:
    return ws.engine.fetchall(sql, list(params))


TX_SQL = (
    "SELECT t.ts, sa.number, sp.name, da.number, dp.name, t.amount, t.currency, t.channel,"
    " t.ext_id, t.reference, t.source_row FROM transactions t"
    " LEFT JOIN accounts sa ON sa.id = t.src_account_id"
    " LEFT JOIN parties sp ON sp.id = sa.holder_party_id"
    " LEFT JOIN accounts da ON da.id = t.dst_account_id"
    " LEFT JOIN parties dp ON dp.id = da.holder_party_id"
    " WHERE t.source_row = ?"
)


def test_the_sample_folders_are_there() -> None:
    assert len(SAMPLES) == 31


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:60])
def test_every_sample_loads_or_is_refused_for_its_reason(ws: Workspace, path: Path) -> None:
    outcome = load(ws, path)
    if path.name.startswith("pain002"):
        assert outcome.status.value == "refused"
        assert [p.code for p in outcome.problems] == ["iso20022_no_transactions"]
        assert rows(ws, "SELECT count(*) FROM transactions") == [(0,)]
        return
    assert outcome.status.value == "loaded", [p.render() for p in outcome.problems]
    assert outcome.inserted["transactions"] > 0
    codes = [p.code for p in outcome.problems]
    assert codes == ["iso20022_entry_not_booked"] * NOT_BOOKED.get(path.name, 0)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:60])
def test_sniff_recognises_every_sample(path: Path) -> None:
    assert Iso20022Reader("camt.053").sniff(path, path.read_bytes()[:65536]) == 95


def test_sniff_says_no_to_other_xml_and_text() -> None:
    reader = Iso20022Reader("camt.053")
    assert reader.sniff(Path("a.xml"), b"<?xml version='1.0'?><goAMLReport/>") == 0
    assert reader.sniff(Path("a.csv"), b"date,amount\n2024-01-01,5\n") == 0


def test_reingesting_a_sample_changes_nothing(ws: Workspace) -> None:
    path = ISO / "samples_moov" / "FI_camt_053_sample.xml.xml"
    first = load(ws, path)
    copy = ws.path / "copy.xml"
    copy.write_bytes(path.read_bytes() + b"\n")  # new sha256, same content
    again = load(ws, copy)
    assert first.inserted["transactions"] == 13
    assert again.inserted["transactions"] == 0
    assert again.already_present == 13


def test_camt053_entry_by_hand(ws: Workspace) -> None:
    path = (
        ISO / "samples_moov" / "camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml"
    )
    assert load(ws, path).inserted["transactions"] == 5
    # Ntry at line 77: CRDT 4.50 CHF booked 2020-11-24, AcctSvcrRef 0758103031480900.
    ((ts, src, _, dst, owner, amount, ccy, channel, ext_id, ref, _),) = rows(ws, TX_SQL, 77)
    assert (ts, src, dst, amount, ccy) == (
        datetime(2020, 11, 24),
        None,
        "CH2909000000250094239",
        Decimal("4.50"),
        "CHF",
    )
    assert owner == "Robert Schneider SA Grands magasins Biel/Bienne"
    assert (channel, ext_id) == ("wire", "0758103031480900")
    assert ref.startswith("GUTSCHRIFT CH-DD-BASISLASTSCHRIFT")
    # Ntry at line 110: DBIT 77.70 CHF leaves the account.
    ((_, src, _, dst, *_),) = rows(ws, TX_SQL, 110)
    assert (src, dst) == ("CH2909000000250094239", None)


def test_camt054_batch_is_split_per_transaction(ws: Workspace) -> None:
    path = (
        ISO
        / "samples_moov"
        / ("200519_camt054-ESR-ASR_P_CH2909000000250094239_1110092704_0_2019042500372179.xml")
    )
    assert load(ws, path).inserted["transactions"] == 6
    # The 1537.00 CHF entry holds five TxDtls of 250 + 200 + 300 + 324 + 463 from Bernasconi Maria.
    split = rows(
        ws,
        "SELECT t.amount, t.ext_id, a.number, a.name, a.institution FROM transactions t"
        " JOIN accounts a ON a.id = t.src_account_id WHERE t.amount < 1000 AND t.channel = 'wire'"
        " ORDER BY t.source_row",
    )
    assert [r[0] for r in split] == [Decimal(v) for v in ("250", "200", "300", "324", "463")]
    assert split[0][1:] == (
        "180315CH02ZX5RI3",
        "CH5109000000250092291",
        "Bernasconi Maria",
        "POFICHBEXXX",
    )
    ((ts, _, _, dst, *_),) = rows(ws, TX_SQL, 57)
    assert (ts, dst) == (datetime(2019, 4, 24), "CH2909000000250094239")
    cash = rows(ws, "SELECT amount, channel FROM transactions WHERE channel <> 'wire'")
    assert cash == [(Decimal("147"), "cash_withdrawal")]


def test_pain001_payment_by_hand(ws: Workspace) -> None:
    assert load(ws, ISO / "samples_moov" / "gistfile1.xml").inserted["transactions"] == 3
    # CdtTrfTxInf at line 47: ABC Corporation pays DEF Electronics 10,000,000 JPY.
    ((ts, src, debtor, dst, creditor, amount, ccy, _, ext_id, ref, _),) = rows(ws, TX_SQL, 47)
    assert (ts, src, debtor) == (datetime(2009, 9, 29), "00125574999", "ABC Corporation")
    assert (dst, creditor) == ("23683707994125", "DEF Electronics")
    assert (amount, ccy, ext_id, ref) == (
        Decimal("10000000"),
        "JPY",
        "ABC/4562/2009-09-08",
        "4562",
    )
    assert rows(ws, "SELECT tx_type FROM transactions WHERE source_row = 47") == [
        ("pain.001:CINV",)
    ]


def test_pacs008_transfer_by_hand(ws: Workspace) -> None:
    path = ISO / "samples_prowide" / "pacs.008.001.07.xml"
    assert load(ws, path).inserted["transactions"] == 1
    ((ts, _, debtor, _, creditor, amount, ccy, _, ext_id, _, _),) = rows(ws, TX_SQL, 64)
    assert (ts, debtor, creditor) == (datetime(2019, 7, 31), "Jhon Doe", "Mike Smith")
    assert (amount, ccy, ext_id) == (Decimal("5000"), "USD", "987654321987654321")
    # Name-only sides become "external" accounts scoped by their agent's BIC.
    accounts = rows(ws, "SELECT kind, institution, name FROM accounts ORDER BY name")
    assert accounts == [
        ("external", "ITUSUSP1XXX", "Jhon Doe"),
        ("external", "USTBUS31XXX", "Mike Smith"),
    ]
    assert rows(ws, "SELECT country FROM parties WHERE name = 'Jhon Doe'") == [("AR",)]


def test_pacs009_between_institutions_takes_the_group_settlement_date(ws: Workspace) -> None:
    path = ISO / "samples_prowide" / "pacs.009.001.09.xml"
    assert load(ws, path).inserted["transactions"] == 1
    ((ts, _, debtor, _, creditor, amount, ccy, *_),) = rows(ws, TX_SQL, 34)
    assert (ts, debtor, creditor) == (datetime(2017, 4, 6), "BBBBCAXXXXX", "CCCCESXXXXX")
    assert (amount, ccy) == (Decimal("12345.67"), "USD")
    assert rows(ws, "SELECT scheme, value FROM identifiers ORDER BY value") == [
        ("bic", "BBBBCAXXXXX"),
        ("bic", "CCCCESXXXXX"),
    ]
