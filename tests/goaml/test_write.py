"""``goaml write``: a case's evidence becomes a goAML report that validates, names in ASCII
with their original spelling kept, and that reads back as the same transactions and parties;
a case that would make an invalid report is refused with every problem and no file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from moneytrail.api import BadInputError, IngestOptions, Workspace
from moneytrail.api.cases import Actor, CaseDesk
from moneytrail.api.goaml_write import ReportingEntity, case_transactions, write_from_case
from moneytrail.goaml import (
    AccountRow,
    PartyRow,
    ReportHeader,
    ReportInput,
    TransactionRow,
    build_report,
    check_report,
)
from moneytrail.goaml.codes import goaml_amount, goaml_date, split_name
from moneytrail.model.goaml import goaml_ascii, load_profile, validate_report
from tests.conftest import REPO

SAMPLES = REPO / "src" / "moneytrail" / "samples"
PASSWORD = "fatou : une longue phrase"
ENTITY = ReportingEntity(
    entity_id=1234,
    reporter="Fatou Keïta",
    indicators=("ACTRC",),
    submitted_at=datetime(2026, 12, 1, 9, 30),
)
ARABIC_PAYEE = "عبد القادر ولد محمد"  # virements_bis row 5 (BIS-24-0004), the payee
NAME_TAGS = ("name", "first_name", "last_name", "account_name")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped bank and mobile-money samples, the Banque BIS transfers (Arabic and
    accented names) with their mapping, and the typology rules run."""
    folder = tmp_path_factory.mktemp("goaml-write") / "enquete"
    with Workspace.init(folder) as ws:
        ws.ingest(
            [SAMPLES / "releve_bdm_2024-03.camt053.xml", SAMPLES / "orange_money_2024-03.csv"]
        )
        ws.ingest(
            [SAMPLES / "virements_bis_2024-03.csv"],
            IngestOptions(mapping=SAMPLES / "banque_bis.yaml"),
        )
        ws.rules.run()
    return folder


@dataclass
class Desk:
    """A SQLite case store and its head of unit, signed in."""

    desk: CaseDesk
    who: Actor


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    with CaseDesk.open(f"sqlite:///{tmp_path / 'cases.sqlite'}") as store:
        store.add_user(None, "fatou", "head", "Fatou Keïta", PASSWORD)
        yield Desk(store, store.login("fatou", PASSWORD))


def _bis_source(ws: Workspace) -> str:
    return next(s["id"] for s in ws.info().sources if "virements_bis" in s["path"])


def _case_with_evidence(d: Desk, ws: Workspace) -> str:
    """A case holding an alert and two Banque BIS rows (the second pays the Arabic name)."""
    ref = d.desk.new(d.who, "Collecte Ségou", "Virements vers la Mauritanie").ref
    alert = ws.alerts.list().alerts[0]
    d.desk.add_alert(d.who, ref, ws, alert.id, lang="fr")
    for row in (4, 5):
        d.desk.add_source_row(d.who, ref, ws, _bis_source(ws), row)
    d.desk.add_subject(d.who, ref, ws, "ML01-0005-440099")
    return ref


def _texts(xml: bytes, tag: str) -> list[str]:
    return [e.text or "" for e in etree.fromstring(xml).iter(tag)]


def test_an_str_from_a_case_validates_with_ascii_names(
    workspace: Path, desk: Desk, tmp_path: Path
) -> None:
    out = tmp_path / "str.xml"
    with Workspace.open(workspace) as ws:
        ref = _case_with_evidence(desk, ws)
        done = write_from_case(desk.desk, desk.who, ref, ws, "uae-5.0.2", "STR", out, ENTITY)
        named = case_transactions(desk.desk.show(desk.who, ref))
    assert done.path == str(out) and done.problems == [] and done.report_code == "STR"
    assert done.transactions == len(named) and done.parties > 0
    profile = load_profile("uae-5.0.2")
    assert validate_report(out, profile) == []
    xml = out.read_bytes()
    names = [t for tag in NAME_TAGS for t in _texts(xml, tag)]
    assert names and all(n.isascii() for n in names)
    assert goaml_ascii(ARABIC_PAYEE) in names
    comments = _texts(xml, "comments")
    assert f"Original name: {ARABIC_PAYEE}" in comments  # the original spelling is kept
    assert "Original name: Entraide Sahel Ségou" in comments
    assert any(c.startswith("Case items: source row 5") for c in comments)
    assert _texts(xml, "entity_reference") == [ref]
    assert _texts(xml, "currency_code_local") == ["XOF"]
    assert _texts(xml, "submission_date") == ["2026-12-01T09:30:00"]
    trail = desk.desk.trail(desk.who, ref).entries
    read, wrote = [e for e in trail if e.action.startswith("case.export")][-2:]
    assert (read.action, read.target) == ("case.export_read", "goaml")
    assert wrote.action == "case.export" and wrote.target == str(out.resolve())
    assert wrote.details["sha256"] == hashlib.sha256(xml).hexdigest()
    assert wrote.details["profile"] == "uae-5.0.2" and wrote.details["report_code"] == "STR"


def test_the_report_reads_back_as_the_same_transactions_and_parties(
    workspace: Path, desk: Desk, tmp_path: Path
) -> None:
    out = tmp_path / "str.xml"
    with Workspace.open(workspace) as ws:
        ref = _case_with_evidence(desk, ws)
        write_from_case(desk.desk, desk.who, ref, ws, "uae-5.0.2", "STR", out, ENTITY)
        ids = sorted(case_transactions(desk.desk.show(desk.who, ref)))
        written = _transactions(ws, ids)
        holders = {
            goaml_ascii(r[0])
            for r in ws.engine.fetchall(
                "SELECT DISTINCT p.name FROM transactions t"
                " JOIN accounts a ON a.id IN (t.src_account_id, t.dst_account_id)"
                " JOIN parties p ON p.id = a.holder_party_id"
                " WHERE t.id IN (SELECT unnest(?::VARCHAR[])) AND a.kind <> 'cash'",
                [ids],
            )
        }
    with Workspace.init(tmp_path / "relu") as fresh:
        loaded = fresh.ingest([out])
        assert loaded[0].status.value == "loaded", loaded[0]
        ids_back = [r[0] for r in fresh.engine.fetchall("SELECT id FROM transactions")]
        read_back = _transactions(fresh, ids_back)
        parties = {r[0] for r in fresh.engine.fetchall("SELECT name FROM parties")}
    assert read_back == written
    assert holders <= parties and goaml_ascii(ARABIC_PAYEE) in parties


def _transactions(ws: Workspace, ids: list[str]) -> list[tuple[Any, ...]]:
    """Each transaction as the report carries it: its number, time, amount, currency, channel
    and the two accounts' numbers (a cash side is a person or an entity, not an account)."""
    rows = ws.engine.fetchall(
        "SELECT coalesce(t.ext_id, t.id), t.ts, t.amount, t.currency, t.channel,"
        " CASE WHEN s.kind IN ('cash', 'external') THEN NULL ELSE coalesce(s.number, s.id) END,"
        " CASE WHEN d.kind IN ('cash', 'external') THEN NULL ELSE coalesce(d.number, d.id) END"
        " FROM transactions t LEFT JOIN accounts s ON s.id = t.src_account_id"
        " LEFT JOIN accounts d ON d.id = t.dst_account_id"
        " WHERE t.id IN (SELECT unnest(?::VARCHAR[]))",
        [ids],
    )
    return sorted(rows, key=lambda r: (r[0], r[1]))


def test_a_case_without_transactions_is_refused_and_nothing_is_written(
    workspace: Path, desk: Desk, tmp_path: Path
) -> None:
    out = tmp_path / "empty.xml"
    with Workspace.open(workspace) as ws:
        ref = desk.desk.new(desk.who, "Sans pièce").ref
        desk.desk.add_subject(desk.who, ref, ws, "ML01-0005-440099")
        with pytest.raises(BadInputError) as refused:
            write_from_case(desk.desk, desk.who, ref, ws, "uae-5.0.2", "STR", out, ENTITY)
    codes = [p.code for p in refused.value.problems]
    assert "goaml_write.no_transactions" in codes and len(codes) >= 2  # and the XSD's own
    assert not out.exists()
    assert "no transaction" in refused.value.problems[0].render("en")


@pytest.fixture(scope="module")
def ouguiya_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two Banque BIS rows in Mauritanian ouguiya (MRU, 2018), a currency the UAE 5.0.2
    schema does not know (it still lists MRO), with no exchange rate to the local XOF."""
    folder = tmp_path_factory.mktemp("goaml-mru")
    mapping = (SAMPLES / "banque_bis.yaml").read_text(encoding="utf-8")
    (folder / "bis_mru.yaml").write_text(mapping.replace("currency: XOF", "currency: MRU"))
    lines = (SAMPLES / "virements_bis_2024-03.csv").read_text(encoding="utf-8").splitlines()
    (folder / "bis_mru.csv").write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    with Workspace.init(folder / "ws") as ws:
        ws.ingest([folder / "bis_mru.csv"], IngestOptions(mapping=folder / "bis_mru.yaml"))
    return folder / "ws"


def test_a_currency_the_profile_does_not_know_is_refused_with_every_problem(
    ouguiya_workspace: Path, desk: Desk, tmp_path: Path
) -> None:
    out = tmp_path / "mru.xml"
    with Workspace.open(ouguiya_workspace) as ws:
        ref = desk.desk.new(desk.who, "Ouguiya").ref
        source = ws.info().sources[0]["id"]
        evidence = desk.desk.add_source_row(desk.who, ref, ws, source, 2)
        with pytest.raises(BadInputError) as refused:
            write_from_case(desk.desk, desk.who, ref, ws, "uae-5.0.2", "STR", out, ENTITY)
    assert not out.exists()
    problems = refused.value.problems
    rendered = [p.render("en") for p in problems]
    origin = f"[BIS-24-0001: source row 2 (#{evidence.id})]"
    assert any(p.code == "goaml_write.no_local_amount" for p in problems)
    # the schema refuses MRU, and each problem says which case item put the transaction in
    currency = [r for r in rendered if "MRU" in r]
    assert any(
        "transaction/t_from/from_foreign_currency/foreign_currency_code" in r for r in currency
    )
    assert any("transaction/t_to/to_foreign_currency/foreign_currency_code" in r for r in currency)
    assert any("report/transaction/amount_local" in r for r in currency), rendered
    assert len(currency) >= 3 and all(origin in r for r in currency), rendered


def _tx(currency: str = "XOF", amount_reporting: Decimal | None = None) -> TransactionRow:
    holder = PartyRow("p1", "person", "Aïssata Maïga", identifiers=(("nina", "1979X"),))
    account = AccountRow("a1", "bank", "BDMAMLBAXXX", "ML47ML01", None, "XOF", "ML", holder)
    return TransactionRow(
        id="t1",
        ext_id="BDM-1",
        ts=datetime(2024, 3, 7, 10, 5, 9, 123456),
        amount=Decimal("1200000.50000000"),
        currency=currency,
        amount_reporting=amount_reporting,
        channel="mobile_money",
        tx_type=None,
        reference="Avance",
        src_country="ML",
        dst_country=None,
        source=account,
        target=None,
        origins=("alert 3fa2c1d0 (#4)",),
    )


def test_a_hand_made_input_writes_in_the_schema_order_and_forms() -> None:
    header = ReportHeader(1, "D-1", indicators=("ACTRC",), submitted_at=datetime(2026, 1, 2))
    data = ReportInput(header, "XOF", (_tx("EUR", Decimal("787155000")),))
    profile = load_profile("uae-5.0.2")
    xml = build_report(data, profile)
    assert check_report(data, profile, xml, "r.xml") == []
    assert _texts(xml, "amount_local") == ["787155000"]
    assert _texts(xml, "foreign_amount") == ["1200000.5", "1200000.5"]  # both sides
    assert _texts(xml, "date_transaction") == ["2024-03-07T10:05:09"]
    assert _texts(xml, "first_name") == ["Aissata"] and _texts(xml, "id_number") == ["1979X"]
    assert _texts(xml, "full_name_frn") == ["Aïssata Maïga"]  # the original, beside the ASCII
    unknown = etree.fromstring(xml).findall(".//t_to/to_entity/name")  # no account: an entity
    assert [e.text for e in unknown] == ["-"]


def test_a_problem_inside_a_transaction_names_its_case_items() -> None:
    header = ReportHeader(1, "D-1", indicators=("ACTRC",))
    data = ReportInput(header, "XOF", (_tx("ZZZ"),))
    profile = load_profile("uae-5.0.2")
    problems = check_report(data, profile, build_report(data, profile), "r.xml")
    rendered = [p.render("fr") for p in problems]
    assert any("ZZZ" in r and "[BDM-1: alert 3fa2c1d0 (#4)]" in r for r in rendered), rendered
    assert "goaml_write.no_local_amount" in [p.code for p in problems]


def test_value_rules() -> None:
    assert split_name("Moussa Traore") == ("Moussa", "Traore")
    assert split_name("Mhmd Wld 'Bd Llh") == ("Mhmd Wld 'Bd", "Llh")
    assert split_name("Ibrahim") == ("-", "Ibrahim")
    assert goaml_amount(Decimal("950000.00000000")) == "950000"
    assert goaml_amount(Decimal("0.125"), 2) == "0.12"
    assert goaml_date(datetime(2024, 3, 1, 8, 0, 0, 999)) == "2024-03-01T08:00:00"


def test_the_command_checks_then_writes_and_lists_every_problem(
    cli: Any, workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    with CaseDesk.open(url) as store, Workspace.open(workspace) as ws:
        store.add_user(None, "fatou", "head", "Fatou Keïta", PASSWORD)
        d = Desk(store, store.login("fatou", PASSWORD))
        ref = _case_with_evidence(d, ws)
    monkeypatch.setenv("MONEYTRAIL_USER", "fatou")
    monkeypatch.setenv("MONEYTRAIL_PASSWORD", PASSWORD)
    common = ["-w", str(workspace), "--cases-url", url, "--case", ref, "--entity-id", "1234"]
    out = tmp_path / "cli.xml"

    checked = cli("--lang", "en", "goaml", "write", *common)
    assert checked.code == 3 and not out.exists()
    assert "report_indicators" in checked.err and "indicator" in checked.err

    refused = cli("--lang", "en", "goaml", "write", *common, "--out", str(out))
    assert refused.code == 3 and not out.exists() and "not written" in refused.err

    done = cli("--lang", "en", "goaml", "write", *common, "--indicator", "ACTRC", "--out", str(out))
    assert done.code == 0, done.err
    assert "written" in done.out and validate_report(out, load_profile("uae-5.0.2")) == []

    as_json = cli("goaml", "write", *common, "--indicator", "ACTRC", "--type", "SAR", "--json")
    assert as_json.code == 0, as_json.err
    result = json.loads(as_json.out)
    assert result["path"] is None and result["report_code"] == "SAR" and result["problems"] == []


def test_the_subject_window_adds_the_subjects_transactions_between_the_evidence(
    workspace: Path, desk: Desk
) -> None:
    with Workspace.open(workspace) as ws:
        ref = _case_with_evidence(desk, ws)
        plain = write_from_case(desk.desk, desk.who, ref, ws, "uae-5.0.2", "STR", None, ENTITY)
        wider = replace(ENTITY, subject_window=True)
        window = write_from_case(desk.desk, desk.who, ref, ws, "uae-5.0.2", "STR", None, wider)
    # the subject ML01-0005-440099 pays BIS-24-0005 on 15 March, inside the alert's weeks
    assert plain.problems == [] and window.problems == []
    assert window.transactions == plain.transactions + 1


def test_transactions_the_workspace_no_longer_holds_are_problems(
    workspace: Path, ouguiya_workspace: Path, desk: Desk
) -> None:
    with Workspace.open(workspace) as ws:
        ref = _case_with_evidence(desk, ws)
        named = case_transactions(desk.desk.show(desk.who, ref))
    with Workspace.open(ouguiya_workspace) as other:  # as if the workspace had been rebuilt
        checked = write_from_case(desk.desk, desk.who, ref, other, "uae-5.0.2", "STR", None, ENTITY)
    missing = [p for p in checked.problems if p.code == "goaml_write.missing_transaction"]
    assert sorted(p.value or "" for p in missing) == sorted(named)
    assert any("source row 5" in (p.field or "") for p in missing)
