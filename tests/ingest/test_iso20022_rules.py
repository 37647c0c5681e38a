"""The documented camt rules, each on a tiny story: batches, reversals, counterparties, ids."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moneytrail.errors import BadInputError
from moneytrail.ingest.base import IngestOptions, SourceFile, StageContext
from moneytrail.ingest.iso20022 import Iso20022Reader
from moneytrail.workspace import Workspace
from tests.ingest.test_iso20022_broken import statement, write

OWN_IBAN = "ML47ML0160120120100012345600"
TRAORE_IBAN = "ML84ML1020100100098765432100"


def ntry(cd: str, amount: str, details: str = "", ref: str = "R1", extra: str = "") -> str:
    return (
        f'<Amt Ccy="XOF">{amount}</Amt><CdtDbtInd>{cd}</CdtDbtInd>{extra}'
        "<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-03-04</Dt></BookgDt>"
        f"<AcctSvcrRef>{ref}</AcctSvcrRef>"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn>"
        f"</BkTxCd><NtryDtls>{details}</NtryDtls>"
    )


def detail(role: str, name: str, amount: str | None = None, iban: str | None = None) -> str:
    amt = f'<Amt Ccy="XOF">{amount}</Amt>' if amount else ""
    acct = f"<{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>" if iban else ""
    return (
        f"<TxDtls>{amt}<RltdPties><{role}><Pty><Nm>{name}</Nm></Pty></{role}>{acct}</RltdPties>"
        f"<RmtInf><Ustrd>pour {name}</Ustrd></RmtInf></TxDtls>"
    )


def load(ws: Workspace, tmp_path: Path, *entries: str) -> list[tuple[object, ...]]:
    outcome = ws.ingest([write(tmp_path, statement(*entries))], IngestOptions(format="camt.053"))
    assert outcome[0].status.value == "loaded", outcome[0].problems
    return ws.engine.fetchall(
        "SELECT t.amount, s.name, d.name, t.reference, t.tx_type FROM transactions t"
        " LEFT JOIN accounts s ON s.id = t.src_account_id"
        " LEFT JOIN accounts d ON d.id = t.dst_account_id ORDER BY t.source_row, t.amount DESC"
    )


def test_batch_with_amounts_that_add_up_is_split(ws: Workspace, tmp_path: Path) -> None:
    batch = detail("Cdtr", "Fatoumata Diarra", "185000") + detail("Cdtr", "Moussa Keïta", "175000")
    rows = load(ws, tmp_path, ntry("DBIT", "360000", batch))
    assert [r[:3] for r in rows] == [
        (Decimal(185000), "Boutique Kanté", "Fatoumata Diarra"),
        (Decimal(175000), "Boutique Kanté", "Moussa Keïta"),
    ]


def test_batch_that_does_not_add_up_stays_one_entry(ws: Workspace, tmp_path: Path) -> None:
    batch = detail("Cdtr", "Fatoumata Diarra", "185000") + detail("Cdtr", "Moussa Keïta", "1000")
    rows = load(ws, tmp_path, ntry("DBIT", "360000", batch))
    assert [r[:3] for r in rows] == [(Decimal(360000), "Boutique Kanté", None)]


def test_reversed_credit_comes_from_the_original_creditor(ws: Workspace, tmp_path: Path) -> None:
    back = (
        "<TxDtls><RltdPties><Dbtr><Pty><Nm>Boutique Kanté</Nm></Pty></Dbtr>"
        "<Cdtr><Pty><Nm>Aïssata Maïga</Nm></Pty></Cdtr></RltdPties></TxDtls>"
    )
    rows = load(ws, tmp_path, ntry("CRDT", "500000", back, extra="<RvslInd>true</RvslInd>"))
    ((amount, src, dst, _, tx_type),) = rows
    assert (amount, src, dst) == (Decimal(500000), "Aïssata Maïga", "Boutique Kanté")
    assert tx_type == "RVSL PMNT/RCDT/DMCT"


def test_counterparty_by_iban_name_or_nothing(ws: Workspace, tmp_path: Path) -> None:
    rows = load(
        ws,
        tmp_path,
        ntry("CRDT", "1000", detail("Dbtr", "Mahamadou Traoré", iban=TRAORE_IBAN), ref="A"),
        ntry("CRDT", "2000", detail("Dbtr", "محمد ولد عبد الله"), ref="B"),
        ntry("CRDT", "3000", "", ref="C"),
    )
    assert [r[1] for r in rows] == ["Mahamadou Traoré", "محمد ولد عبد الله", None]
    kinds = dict(ws.engine.fetchall("SELECT name, kind FROM accounts"))
    assert kinds["Mahamadou Traoré"] == "bank"
    assert kinds["محمد ولد عبد الله"] == "external"


def test_repeated_reference_keeps_both_entries(ws: Workspace, tmp_path: Path) -> None:
    rows = load(ws, tmp_path, ntry("CRDT", "1000", ref="SAME"), ntry("CRDT", "1000", ref="SAME"))
    assert len(rows) == 2
    assert ws.engine.fetchall("SELECT count(DISTINCT id) FROM transactions") == [(2,)]


def test_same_bank_reference_in_two_files_is_one_transaction(ws: Workspace, tmp_path: Path) -> None:
    entry = ntry("CRDT", "1000", detail("Dbtr", "Mahamadou Traoré", iban=TRAORE_IBAN), ref="X1")
    intraday = (
        statement(entry)
        .replace("BkToCstmrStmt", "BkToCstmrAcctRpt")
        .replace("<Stmt>", "<Rpt>")
        .replace("</Stmt>", "</Rpt>")
    )
    first = ws.ingest([write(tmp_path, intraday, "rpt.xml")], IngestOptions(format="camt.052"))
    second = ws.ingest(
        [write(tmp_path, statement(entry), "stmt.xml")], IngestOptions(format="camt.052")
    )
    assert (first[0].format, second[0].format) == ("camt.052", "camt.053")
    assert (first[0].inserted["transactions"], second[0].already_present) == (1, 1)


_SEED = statement(ntry("CRDT", "1000", detail("Dbtr", "Aïssata Maïga", iban=TRAORE_IBAN)))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(0, len(_SEED)), junk=st.text(max_size=8))
def test_any_damaged_statement_is_refused_or_staged_never_crashes(
    ws: Workspace, tmp_path: Path, cut: int, junk: str
) -> None:
    path = write(tmp_path, _SEED[:cut] + junk + _SEED[cut:])
    source = SourceFile(path=path, sha256="0" * 64, size=path.stat().st_size)
    ctx = StageContext(ws.engine, source, IngestOptions())
    try:
        Iso20022Reader("camt.053").stage(ctx)
    except BadInputError as exc:
        assert exc.problems and exc.problems[0].code
