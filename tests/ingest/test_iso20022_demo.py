"""The shipped Sahel demo statement: schema-valid camt.053.001.08, loads whole, keeps its scripts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

import moneytrail
from moneytrail.ingest.base import IngestOptions
from moneytrail.model.identifiers import is_iban
from moneytrail.workspace import Workspace
from tests.conftest import SHARED_DATA

SAMPLE = Path(moneytrail.__file__).parent / "samples" / "releve_bdm_2024-03.camt053.xml"
OWNER = "Société Sahel Commerce Général SARL"
ARABIC = "محمد ولد عبد الله"


def test_demo_statement_is_valid_against_the_official_schema() -> None:
    schema = etree.XMLSchema(etree.parse(str(SHARED_DATA / "iso20022/xsd/camt.053.001.08.xsd")))
    document = etree.parse(str(SAMPLE))
    assert schema.validate(document), schema.error_log


def test_demo_ibans_have_valid_check_digits() -> None:
    ibans = [e.text or "" for e in etree.parse(str(SAMPLE)).iter("{*}IBAN")]
    assert len(set(ibans)) == 8
    assert all(is_iban(i) for i in ibans)


def test_demo_statement_loads_whole_with_names_intact(ws: Workspace) -> None:
    outcome = ws.ingest([SAMPLE], IngestOptions(format="camt.053"))[0]
    assert outcome.status.value == "loaded"
    assert outcome.problems == []
    # 25 entries, one of which is a payroll batch of 3 salaries: 27 transactions.
    assert outcome.inserted["transactions"] == 27
    names = {n for (n,) in ws.engine.fetchall("SELECT name FROM parties")}
    assert {OWNER, "Aïssata Maïga", "Sidi Ould Mohamed Lemine", "Fatoumata Diarra", ARABIC} <= names
    accounts = {n for (n,) in ws.engine.fetchall("SELECT name FROM accounts")}
    assert {OWNER, ARABIC, "Mahamadou Traoré"} <= accounts
    ((total_in, total_out),) = ws.engine.fetchall(
        "SELECT sum(amount) FILTER (WHERE dst_account_id = a.id),"
        " sum(amount) FILTER (WHERE src_account_id = a.id)"
        " FROM transactions, (SELECT id FROM accounts WHERE name = ?) a",
        [OWNER],
    )
    # Opening balance 12,500,000 + in - out = closing balance 10,452,500 written in the file.
    assert Decimal(12_500_000) + total_in - total_out == Decimal(10_452_500)
    channels = dict(ws.engine.fetchall("SELECT channel, count(*) FROM transactions GROUP BY 1"))
    assert channels == {
        "wire": 19,
        "cash_withdrawal": 4,
        "cash_deposit": 2,
        "card": 1,
        "cheque": 1,
    }


def test_demo_command_loads_the_statement(cli: Any, tmp_path: Path) -> None:
    result = cli("demo", "--out", tmp_path / "demo", "--json")
    files = {Path(f["path"]).name: f for f in result.json()["files"]}
    mine = files[SAMPLE.name]
    assert (mine["status"], mine["format"]) == ("loaded", "camt.053")
    assert mine["inserted"]["transactions"] == 27
