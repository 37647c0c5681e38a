"""Bad ISO 20022 input: refused with file:line and a reason, or quarantined with the field named;
never a traceback, never a silent partial load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.pipeline import FileOutcome
from moneytrail.workspace import Workspace
from tests.conftest import SHARED_DATA

CAMT053 = (
    SHARED_DATA
    / "iso20022"
    / "samples_moov"
    / ("camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml")
)


def statement(*entries: str) -> str:
    """A tiny camt.053.001.08 statement for one XOF account with the given ``Ntry`` bodies."""
    body = "".join(f"<Ntry>{e}</Ntry>\n" for e in entries)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n'
        "<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-03-01T00:00:00</CreDtTm></GrpHdr>\n"
        "<Stmt><Id>S1</Id>\n"
        "<Acct><Id><Othr><Id>0012345</Id></Othr></Id><Ccy>XOF</Ccy>"
        "<Ownr><Nm>Boutique Kanté</Nm></Ownr>"
        "<Svcr><FinInstnId><BICFI>BDMAMLBAXXX</BICFI></FinInstnId></Svcr></Acct>\n"
        f"{body}</Stmt></BkToCstmrStmt></Document>\n"
    )


def entry(
    amount: str = '<Amt Ccy="XOF">5000</Amt>', day: str = "2024-03-04", ref: str = "R1"
) -> str:
    return (
        f"{amount}<CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
        f"<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>CNTR</Cd><SubFmlyCd>CDPT</SubFmlyCd></Fmly></Domn>"
        "</BkTxCd>"
    )


def ingest(ws: Workspace, path: Path, **options: Any) -> FileOutcome:
    options.setdefault("format", "camt.053")
    return ws.ingest([path], IngestOptions(**options))[0]


def write(tmp_path: Path, content: str | bytes, name: str = "stmt.xml") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def counts(ws: Workspace) -> tuple[int, int]:
    ((tx, acc),) = ws.engine.fetchall(
        "SELECT (SELECT count(*) FROM transactions), (SELECT count(*) FROM accounts)"
    )
    return int(tx), int(acc)


def test_good_tiny_statement_loads_as_cash_deposit(ws: Workspace, tmp_path: Path) -> None:
    outcome = ingest(ws, write(tmp_path, statement(entry())))
    assert outcome.status.value == "loaded"
    assert ws.engine.fetchall("SELECT amount, channel, src_account_id FROM transactions") == [
        (5000, "cash_deposit", None)
    ]
    assert ws.engine.fetchall("SELECT institution, number FROM accounts") == [
        ("BDMAMLBAXXX", "0012345")
    ]


def test_truncated_xml_is_refused_with_its_line(ws: Workspace, tmp_path: Path) -> None:
    lines = CAMT053.read_bytes().splitlines(keepends=True)
    path = write(tmp_path, b"".join(lines[:120]))
    outcome = ingest(ws, path)
    assert outcome.status.value == "refused"
    (problem,) = outcome.problems
    assert problem.code == "xml_malformed"
    assert problem.line is not None and problem.line >= 120
    assert problem.render("fr").startswith(f"{path}:{problem.line}: XML mal formé")
    assert counts(ws) == (0, 0)


def test_latin1_bytes_in_a_utf8_file_are_refused(ws: Workspace, tmp_path: Path) -> None:
    text = statement(entry()).replace("Kanté", "Kant\udce9")
    path = write(tmp_path, text.encode("utf-8", "surrogateescape"))
    outcome = ingest(ws, path)
    assert outcome.status.value == "refused"
    (problem,) = outcome.problems
    assert (problem.code, problem.line) == ("encoding_invalid", 5)
    assert counts(ws) == (0, 0)


def test_entry_without_amount_is_quarantined_with_the_field(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, statement(entry(amount="", ref="R1"), entry(ref="R2")))
    outcome = ingest(ws, path)
    assert outcome.status.value == "loaded"
    assert outcome.inserted["transactions"] == 1
    (problem,) = outcome.problems
    assert (problem.code, problem.field, problem.line) == ("amount_missing", "Ntry/Amt", 6)


def test_non_numeric_amount_is_quarantined(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, statement(entry(amount='<Amt Ccy="XOF">12,5O0</Amt>')))
    outcome = ingest(ws, path)
    (problem,) = outcome.problems
    assert (problem.code, problem.field, problem.value) == (
        "amount_not_number",
        "Ntry/Amt",
        "12,5O0",
    )
    assert counts(ws)[0] == 0


def test_impossible_date_is_quarantined(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, statement(entry(day="2024-02-30"), entry(ref="R2")))
    outcome = ingest(ws, path)
    assert outcome.inserted["transactions"] == 1
    (problem,) = outcome.problems
    assert (problem.code, problem.field, problem.value) == (
        "date_invalid",
        "Ntry/BookgDt/Dt",
        "2024-02-30",
    )
    assert "2024-02-30" in problem.render("en")


def test_strict_refuses_the_whole_file(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, statement(entry(day="2024-02-30"), entry(ref="R2")))
    outcome = ingest(ws, path, strict=True)
    assert outcome.status.value == "refused"
    assert [p.code for p in outcome.problems] == ["date_invalid"]
    assert counts(ws) == (0, 0)


def test_xof_centimes_are_left_to_the_common_check(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, statement(entry(amount='<Amt Ccy="XOF">5000.50</Amt>')))
    (problem,) = ingest(ws, path).problems
    assert problem.code == "amount_too_precise"


def test_empty_and_blank_files_are_refused(ws: Workspace, tmp_path: Path) -> None:
    for name, content in (("empty.xml", b""), ("blank.xml", b"  \n\n")):
        outcome = ingest(ws, write(tmp_path, content, name))
        assert outcome.status.value == "refused"
        assert [p.code for p in outcome.problems] == ["file_empty"]


def test_binary_file_is_refused(ws: Workspace, tmp_path: Path) -> None:
    outcome = ingest(ws, write(tmp_path, b"PK\x03\x04\x00\x00binary\x00\xff", "x.xml"))
    assert [p.code for p in outcome.problems] == ["file_binary"]


def test_statement_without_account_is_refused(ws: Workspace, tmp_path: Path) -> None:
    text = statement(entry()).replace("<Id><Othr><Id>0012345</Id></Othr></Id>", "")
    outcome = ingest(ws, write(tmp_path, text))
    (problem,) = outcome.problems
    assert (problem.code, problem.field) == ("field_missing", "Stmt/Acct/Id")


def test_statement_without_entries_is_refused(ws: Workspace, tmp_path: Path) -> None:
    outcome = ingest(ws, write(tmp_path, statement()))
    assert [p.code for p in outcome.problems] == ["iso20022_no_transactions"]


def test_unsupported_message_is_refused(ws: Workspace, tmp_path: Path) -> None:
    text = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.056.001.09"><FIToFIPmtCxlReq/></Document>'
    outcome = ingest(ws, write(tmp_path, text))
    assert [p.code for p in outcome.problems] == ["iso20022_unsupported"]


def test_external_entities_are_not_expanded(ws: Workspace, tmp_path: Path) -> None:
    secret = write(tmp_path, "TOPSECRET", "secret.txt")
    text = (
        statement(entry())
        .replace(
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>',
        )
        .replace("Boutique Kanté", "&x;")
    )
    ingest(ws, write(tmp_path, text))
    names = ws.engine.fetchall("SELECT name FROM parties")
    assert all("TOPSECRET" not in str(n) for (n,) in names)


def test_pending_entry_is_quarantined_not_loaded(ws: Workspace, tmp_path: Path) -> None:
    pending = entry(ref="R9").replace("<Cd>BOOK</Cd>", "<Cd>PDNG</Cd>")
    outcome = ingest(ws, write(tmp_path, statement(pending, entry())))
    assert outcome.inserted["transactions"] == 1
    (problem,) = outcome.problems
    assert (problem.code, problem.value) == ("iso20022_entry_not_booked", "PDNG")
    assert "PDNG" in problem.render("fr")
