"""The MT940 reader over every real sample of the shared data (jejik-mt940 and wolph/mt940).

Each sample either loads with the exact number of transactions (and quarantined lines) written
below, or is refused with the exact problem code, line and field. The counts were checked by
hand against the ``:61:`` lines of each file; the refusals against the file's text (see
docs/formats/mt940.md for the reason of each).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.pipeline import Status
from moneytrail.workspace import Workspace


@dataclass(frozen=True)
class Loaded:
    """The file loads: ``transactions`` accepted, ``rejected`` lines in quarantine."""

    transactions: int
    rejected: int


@dataclass(frozen=True)
class Refused:
    """The whole file is refused with this problem code, at this line, on this field."""

    code: str
    line: int | None
    field: str | None


SAMPLES: dict[str, Loaded | Refused] = {
    "jejik_mt940/K4262927_20200905-080000-952.txt": Refused("mt940_closing_missing", 1, "62F"),
    "jejik_mt940/abnamro.txt": Loaded(10, 0),
    "jejik_mt940/bug-core-5401.txt": Loaded(1, 0),
    "jejik_mt940/commerzbank.txt": Loaded(1, 0),
    "jejik_mt940/deutschebank.txt": Loaded(1, 0),
    "jejik_mt940/generic.txt": Loaded(2, 0),
    "jejik_mt940/ing-dos.txt": Loaded(7, 0),
    "jejik_mt940/ing-unix.txt": Loaded(7, 0),
    "jejik_mt940/knab.txt": Loaded(3, 0),
    "jejik_mt940/lbbw.txt": Loaded(2, 0),
    "jejik_mt940/oldenburgischelandesbank.txt": Loaded(1, 0),
    "jejik_mt940/oldenburgischelandesbank2.txt": Refused("mt940_closing_missing", 1, "62F"),
    "jejik_mt940/oldenburgischelandesbankmitbindestrich.txt": Loaded(1, 0),
    "jejik_mt940/postfinance.txt": Loaded(4, 0),
    "jejik_mt940/rabobank-iban.txt": Loaded(4, 0),
    "jejik_mt940/rabobank.txt": Loaded(5, 0),
    "jejik_mt940/sns.txt": Loaded(2, 0),
    "jejik_mt940/sparkasse.txt": Loaded(2, 0),
    "jejik_mt940/sparkasse2.txt": Loaded(1, 0),
    "jejik_mt940/sparkasse3.txt": Loaded(1, 0),
    "jejik_mt940/sparkasse_interim_balance.txt": Loaded(2, 0),
    "jejik_mt940/triodos.txt": Loaded(2, 0),
    "jejik_mt940/volksbankenraiffeisenbanken.txt": Loaded(12, 0),
    "wolph_mt940/ASNB/mt940.txt": Loaded(8, 0),
    "wolph_mt940/ASNB/mt940_with_spaces_for_entry_date.txt": Loaded(8, 0),
    "wolph_mt940/betterplace/amount_formats.sta": Refused("mt940_field_repeated", 2, "60F"),
    "wolph_mt940/betterplace/currency_in_25.sta": Refused("mt940_field_missing", 1, "60F"),
    "wolph_mt940/betterplace/empty_86.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/betterplace/empty_entry_date.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/betterplace/empty_line.sta": Refused("mt940_field_missing", 2, "25"),
    "wolph_mt940/betterplace/missing_crlf_at_end.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/betterplace/sepa_mt9401.sta": Loaded(97, 0),
    "wolph_mt940/betterplace/sepa_snippet.sta": Loaded(11, 0),
    "wolph_mt940/betterplace/sepa_snippet_broken.sta": Refused("mt940_field_repeated", 6, "25"),
    "wolph_mt940/betterplace/with_binary_character.sta": Loaded(4, 0),
    "wolph_mt940/citi/mt940.txt": Loaded(5, 0),
    "wolph_mt940/cmxl/account_balance_credit.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/cmxl/account_balance_debit.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/cmxl/account_identification_iban.sta": Refused("mt940_field_missing", 1, "60F"),
    "wolph_mt940/cmxl/account_identification_legacy.sta": Refused("mt940_field_missing", 1, "60F"),
    "wolph_mt940/cmxl/available_balance.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/cmxl/closing_balance.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/cmxl/mt940.sta": Loaded(16, 0),
    "wolph_mt940/cmxl/reference.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/cmxl/statement_details.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/cmxl/statement_line.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/cmxl/statement_number.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/jejik/abnamro.sta": Loaded(10, 0),
    "wolph_mt940/jejik/generic.sta": Loaded(2, 0),
    "wolph_mt940/jejik/ing.sta": Loaded(7, 0),
    "wolph_mt940/jejik/knab.sta": Loaded(3, 0),
    "wolph_mt940/jejik/postfinance.sta": Loaded(4, 0),
    "wolph_mt940/jejik/rabobank-iban.sta": Loaded(4, 0),
    "wolph_mt940/jejik/rabobank.sta": Loaded(5, 0),
    "wolph_mt940/jejik/sns.sta": Loaded(2, 0),
    "wolph_mt940/jejik/triodos.sta": Loaded(2, 0),
    "wolph_mt940/mBank/mt940.sta": Loaded(3, 0),
    "wolph_mt940/mBank/mt942.sta": Loaded(3, 0),
    "wolph_mt940/mBank/with_newline_in_tnr.sta": Loaded(2, 0),
    "wolph_mt940/sberbank/171011_01234945.sta": Loaded(3, 0),
    "wolph_mt940/self-provided/account_identification.sta": Refused(
        "mt940_field_missing", 1, "60F"
    ),
    "wolph_mt940/self-provided/details_60-63.sta": Loaded(1, 0),
    "wolph_mt940/self-provided/empty_non_swift.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/self-provided/february_30.sta": Loaded(0, 1),
    "wolph_mt940/self-provided/gv_codes.sta": Refused("mt940_closing_missing", 1, "62F"),
    "wolph_mt940/self-provided/invalid_statement.sta": Refused("mt940_no_statement", None, None),
    "wolph_mt940/self-provided/long_statement_number.sta": Loaded(0, 0),
    "wolph_mt940/self-provided/malformed_details.sta": Loaded(1, 0),
    "wolph_mt940/self-provided/mt942.sta": Loaded(1, 0),
    "wolph_mt940/self-provided/multiline.sta": Refused("mt940_field_missing", 38, "25"),
    "wolph_mt940/self-provided/overly_long_details.sta": Loaded(1, 0),
    "wolph_mt940/self-provided/raiffeisen-cmi.sta": Loaded(7, 0),
    "wolph_mt940/self-provided/raphaelm.sta": Refused("mt940_balance_invalid", 27, "62M"),
    "wolph_mt940/self-provided/sparkassen.sta": Refused("mt940_field_missing", 1, "25"),
    "wolph_mt940/self-provided/transaction_details_wrapped.sta": Loaded(0, 1),
    "wolph_mt940/self-provided/whitespace.sta": Loaded(1, 0),
    "wolph_mt940/self-provided/wrapped_timestamp.sta": Loaded(0, 1),
}

MT940 = IngestOptions(format="mt940")


@pytest.fixture(scope="module")
def sample_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """One workspace for all samples (loading is what is tested, not isolation)."""
    workspace = Workspace.init(tmp_path_factory.mktemp("mt940") / "ws")
    try:
        yield workspace
    finally:
        workspace.close()


def test_table_lists_every_sample(shared_data: Path) -> None:
    folder = shared_data / "mt940"
    found = {
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith("LICENSE")
    }
    assert found == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample(name: str, shared_data: Path, sample_ws: Workspace, tmp_path: Path) -> None:
    expected = SAMPLES[name]
    path = shared_data / "mt940" / name
    outcome = sample_ws.ingest([path], MT940)[0]
    if outcome.status is Status.UNCHANGED:  # a byte-identical copy (ing-dos.txt, ing-unix.txt)
        with Workspace.init(tmp_path / "ws") as fresh:
            outcome = fresh.ingest([path], MT940)[0]
    if isinstance(expected, Refused):
        assert outcome.status is Status.REFUSED
        problem = outcome.problems[0]
        assert (problem.code, problem.line, problem.field) == (
            expected.code,
            expected.line,
            expected.field,
        )
        assert problem.render("fr") != problem.render("en")
        return
    assert outcome.status is Status.LOADED, [p.render() for p in outcome.problems]
    # A transaction another sample already gave with other facts is kept as a second version.
    accepted = outcome.inserted.get("transactions", 0) + outcome.already_present
    accepted += outcome.conflicts
    assert (accepted, outcome.rows_rejected) == (expected.transactions, expected.rejected)


def _row(ws: Workspace, source_row: int) -> dict[str, Any]:
    """The transaction staged from ``source_row`` with both accounts spelled out."""
    rows = ws.engine.fetchall(
        "SELECT t.ts, t.amount, t.currency, t.tx_type, t.ext_id, t.reference,"
        " s.kind, s.number, s.name, d.kind, d.number, d.name, t.channel"
        " FROM transactions t LEFT JOIN accounts s ON s.id = t.src_account_id"
        " LEFT JOIN accounts d ON d.id = t.dst_account_id WHERE t.source_row = ?",
        [source_row],
    )
    assert len(rows) == 1
    keys = "ts amount currency tx_type ext_id reference src_kind src_number src_name"
    keys += " dst_kind dst_number dst_name channel"
    return dict(zip(keys.split(), rows[0], strict=True))


def _load(ws: Workspace, shared_data: Path, name: str) -> None:
    outcome = ws.ingest([shared_data / "mt940" / name], MT940)[0]
    assert outcome.status is Status.LOADED


def test_commerzbank_debit_to_german_iban(ws: Workspace, shared_data: Path) -> None:
    # :61:2006080608D12,35 NRTIKREF+//2016021783252833 ; ?31DE50712345600200691329
    _load(ws, shared_data, "jejik_mt940/commerzbank.txt")
    row = _row(ws, 5)
    assert row["ts"] == datetime(2020, 6, 8)
    assert (row["amount"], row["currency"]) == (Decimal("12.35"), "EUR")
    assert (row["src_kind"], row["src_number"]) == ("bank", "0123456789")
    assert (row["dst_kind"], row["dst_number"]) == ("bank", "DE50712345600200691329")
    assert row["dst_name"] == "TESTEREL"
    assert row["ext_id"] == "2016021783252833"
    assert row["reference"].startswith("SONSTIGE GRUENDE ENDABRECHNUNG NR. 500106875")
    assert (row["tx_type"], row["channel"]) == ("NRTI", "wire")


def test_rabobank_slash_layout_and_name_only_counterparty(ws: Workspace, shared_data: Path) -> None:
    _load(ws, shared_data, "jejik_mt940/rabobank-iban.txt")
    # :61:130101D000000000025,00N102EREF + next line NL70ABNA0987654321 (IBAN-shaped, bad
    # checksum: kept as a plain number); :86:/EREF/.../BENM//NAME/CONTRA ACCOUNT HOLDER/REMI//
    first = _row(ws, 6)
    assert (first["ts"], first["amount"]) == (datetime(2013, 1, 1), Decimal("25.00"))
    assert first["src_number"] == "NL71RABO0123456789"
    assert (first["dst_number"], first["dst_name"]) == (
        "NL70ABNA0987654321",
        "CONTRA ACCOUNT HOLDER",
    )
    # :61:130102D000000000010,00N154NONREF ; :86:/BENM//NAME/JOHN DOE/REMI/Reference 201301234/
    second = _row(ws, 10)
    assert (second["ts"], second["amount"]) == (datetime(2013, 1, 2), Decimal("10.00"))
    assert (second["dst_kind"], second["dst_name"]) == ("external", "JOHN DOE")
    assert second["reference"] == "Reference 201301234"
    assert second["ext_id"] is None
    holders = ws.engine.fetchall(
        "SELECT a.kind, p.name, p.kind FROM accounts a JOIN parties p ON p.id = a.holder_party_id"
        " ORDER BY p.name"
    )
    assert holders == [
        ("bank", "CONTRA ACCOUNT HOLDER", "legal_entity"),
        ("external", "JOHN DOE", "legal_entity"),
    ]


def test_sepa_snippet_credit_from_named_iban(ws: Workspace, shared_data: Path) -> None:
    # :61:0709070904CR50990,05NTRFNONREF//0724710333343453 (value 7 Sep, booked 4 Sep)
    _load(ws, shared_data, "wolph_mt940/betterplace/sepa_snippet.sta")
    row = _row(ws, 5)
    assert row["ts"] == datetime(2007, 9, 4)
    assert row["amount"] == Decimal("50990.05")
    assert (row["src_number"], row["src_name"]) == ("DE14508800500194785000", "KARL KAUFMANN")
    assert row["dst_number"] == "0194787400888"
    assert row["ext_id"] == "0724710333343453"
    assert row["reference"] == "Verw CTSc-01 BC-PPP TFNr 22 004"


@pytest.mark.parametrize(
    ("name", "src", "dst"),
    [
        # RD, reversal of a debit: the money comes back into the own account.
        ("jejik_mt940/sparkasse2.txt", "900932005", "DE11222220220222220200"),
        # RC, reversal of a credit: the money leaves the own account.
        ("jejik_mt940/sparkasse3.txt", "DE11222220220222220200", "900932005"),
    ],
)
def test_reversals(ws: Workspace, shared_data: Path, name: str, src: str, dst: str) -> None:
    _load(ws, shared_data, name)
    row = _row(ws, 5)
    assert (row["src_number"], row["dst_number"]) == (src, dst)
    assert (row["amount"], row["tx_type"]) == (Decimal("1027.25"), "R:N068")
    assert row["ts"] == datetime(2020, 2, 19)


def test_mt942_interim_report(ws: Workspace, shared_data: Path) -> None:
    # :34F:EURD0,00 ; :61:1610301031D0,42MCI0NONREF//055001022000001
    path = shared_data / "mt940/wolph_mt940/self-provided/mt942.sta"
    outcome = ws.ingest([path], IngestOptions(format="mt942"))[0]
    assert (outcome.status, outcome.format) == (Status.LOADED, "mt942")
    row = _row(ws, 7)
    assert (row["ts"], row["amount"], row["currency"]) == (
        datetime(2016, 10, 31),
        Decimal("0.42"),
        "EUR",
    )
    assert row["src_number"] == "GJB0291077111"


def test_docs_table_matches_this_table() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs/formats/mt940.md").read_text("utf-8")
    rows = {
        cells[1].strip("` "): cells[2:]
        for cells in (line.split("|") for line in doc.splitlines())
        if len(cells) > 4 and cells[1].strip().startswith("`") and "mt940/" in cells[1]
    }
    assert set(rows) == set(SAMPLES)
    for name, expected in SAMPLES.items():
        result, count, last = (cell.strip() for cell in rows[name][:3])
        if isinstance(expected, Refused):
            assert result == "refused" and f"`{expected.code}`" in last, name
        else:
            assert result.startswith("loaded"), name
            assert (int(count), int(last.split(":")[0].split(" ")[0])) == (
                expected.transactions,
                expected.rejected,
            ), name
