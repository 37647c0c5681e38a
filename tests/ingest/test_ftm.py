"""FollowTheMoney JSON lines: reading, exporting, validating, and the round trip."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model

from moneytrail.ingest.pipeline import Status
from moneytrail.model.ftm import moneytrail_id, pseudo_account_id
from moneytrail.workspace import Workspace

AISSATA = "Aïssata Maïga"
MOHAMED = "محمد ولد عبد الله"


def entity(eid: str, schema: str, **props: Any) -> dict[str, Any]:
    values = {k: v if isinstance(v, list) else [v] for k, v in props.items()}
    return {"id": eid, "schema": schema, "properties": values}


# A small story: Aïssata pays Mohamed's company from her IBAN; Mohamed pays cash-like
# without a named account; one line is broken, one payment has an unreadable amount.
STORY = [
    entity(
        "p-aissata",
        "Person",
        name=AISSATA,
        alias="Aissata Maiga",
        birthDate="1984-05-17",
        nationality="ml",
        idNumber="ML-1984-0042",
        phone="+22376123456",
    ),
    entity("p-mohamed", "Person", name=MOHAMED, passportNumber="MR123456", country="mr"),
    entity("c-sahel", "Company", name="Sahel Négoce SARL", registrationNumber="MA.BKO.2019.B.1234"),
    entity(
        "a-aissata",
        "BankAccount",
        iban="ML16 ML01 6012 0102 6000 1003 5523",
        bic="BDMAMLBA",
        currency="XOF",
    ),
    entity("a-sahel", "BankAccount", accountNumber="0042-77", bankName="Banque Atlantique"),
    entity("o-1", "Ownership", owner="p-aissata", asset="a-aissata"),
    entity("o-2", "Ownership", owner="c-sahel", asset="a-sahel"),
    entity(
        "pay-1",
        "Payment",
        payer="p-aissata",
        payerAccount="a-aissata",
        beneficiary="c-sahel",
        beneficiaryAccount="a-sahel",
        amount="1500000",
        currency="XOF",
        date="2024-03-05T10:15:00",
        purpose="Facture 2024-17",
        transactionNumber="TRX-0001",
    ),
    entity(
        "pay-2",
        "Payment",
        payer="p-mohamed",
        beneficiary="p-aissata",
        beneficiaryAccount="a-aissata",
        amount="250000",
        currency="XOF",
        date="2024-03",
    ),
    entity("note-1", "Note", description="met in Gao"),
    entity(
        "pay-3",
        "Payment",
        payer="p-mohamed",
        beneficiary="c-sahel",
        amount="beaucoup",
        currency="XOF",
        date="2024-03-09",
    ),
]


def write_jsonl(path: Path, entities: list[dict[str, Any]], broken: str | None = None) -> Path:
    lines = [json.dumps(e, ensure_ascii=False) for e in entities]
    if broken is not None:
        lines.insert(3, broken)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def story_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "dossier.ftm.jsonl", STORY, broken='{"id": "x", "schema"')


def test_ftm_story_maps_entities(ws: Workspace, story_file: Path) -> None:
    outcome = ws.ingest([story_file])[0]
    assert outcome.status == Status.LOADED
    assert outcome.format == "ftm"
    assert outcome.inserted["parties"] == 3
    assert outcome.inserted["transactions"] == 2
    # The broken JSON line (line 4) and the unreadable amount (pay-3, line 12) are quarantined.
    found = [(p.line, p.code) for p in outcome.problems]
    assert (4, "ftm_json_invalid") in found
    assert (12, "amount_not_number") in found
    aissata = moneytrail_id("party", "p-aissata")
    party = ws.engine.fetchall(
        "SELECT kind, name, aliases, birth_date, nationality FROM parties WHERE id = ?", [aissata]
    )
    assert party == [("person", AISSATA, ["Aissata Maiga"], date(1984, 5, 17), "ML")]
    idents = set(ws.engine.fetchall("SELECT scheme, value FROM identifiers"))
    assert ("national_id", "ML-1984-0042") in idents
    assert ("phone", "+22376123456") in idents
    assert ("passport", "MR123456") in idents
    assert ("rccm", "MA.BKO.2019.B.1234") in idents
    account = ws.engine.fetchall(
        "SELECT number, institution, currency, holder_party_id FROM accounts WHERE id = ?",
        [moneytrail_id("account", "a-aissata")],
    )
    assert account == [("ML16ML0160120102600010035523", "BDMAMLBA", "XOF", aissata)]
    pay1 = ws.engine.fetchall(
        "SELECT ext_id, ts, amount, currency, reference, src_account_id, dst_account_id"
        " FROM transactions WHERE id = ?",
        [moneytrail_id("tx", "pay-1")],
    )
    assert pay1 == [
        (
            "TRX-0001",
            datetime(2024, 3, 5, 10, 15),
            Decimal("1500000"),
            "XOF",
            "Facture 2024-17",
            moneytrail_id("account", "a-aissata"),
            moneytrail_id("account", "a-sahel"),
        )
    ]
    # Mohamed pays without a named account: his pseudo-account, held by him; "2024-03" = 1 March.
    mohamed = moneytrail_id("party", "p-mohamed")
    pay2 = ws.engine.fetchall(
        "SELECT t.ts, a.kind, a.holder_party_id, a.name FROM transactions t"
        " JOIN accounts a ON a.id = t.src_account_id WHERE t.id = ?",
        [moneytrail_id("tx", "pay-2")],
    )
    assert pay2 == [(datetime(2024, 3, 1), "unknown", mohamed, MOHAMED)]
    assert pseudo_account_id(mohamed) in {
        r[0] for r in ws.engine.fetchall("SELECT id FROM accounts")
    }


def test_ftm_file_without_entities_is_refused(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"hello": 1}\nnot json\n', encoding="utf-8")
    outcome = ws.ingest([path], _ftm())[0]
    assert outcome.status == Status.REFUSED
    assert outcome.problems[0].code == "ftm_no_entity"


def _ftm() -> Any:
    from moneytrail.ingest.base import IngestOptions

    return IngestOptions(format="ftm")


_COMPARE = {
    "parties": "SELECT id, kind, name, aliases, birth_date, nationality, country FROM parties",
    "accounts": "SELECT id, kind, institution, number, name, currency, country, holder_party_id"
    " FROM accounts",
    "identifiers": "SELECT owner_id, scheme, value FROM identifiers",
    "transactions": "SELECT id, ext_id, ts, src_account_id, dst_account_id, amount, currency,"
    " reference FROM transactions",
}


def _snapshot(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    return {k: sorted(ws.engine.fetchall(sql), key=repr) for k, sql in _COMPARE.items()}


def test_ftm_export_validates_and_round_trips(
    ws: Workspace, story_file: Path, tmp_path: Path, cli: Any
) -> None:
    ws.ingest([story_file])
    before = _snapshot(ws)
    out = tmp_path / "export.ftm.jsonl"
    ws.close()
    result = cli("export", "ftm", out, "-w", ws.path, "--json")
    assert result.code == 0, result.err
    counts = result.json()
    # Mohamed's pseudo-account is not a BankAccount: he appears as payer only.
    assert counts == {
        "path": str(out),
        "parties": 3,
        "accounts": 2,
        "ownerships": 2,
        "payments": 2,
    }
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 9
    for line in lines:
        data = json.loads(line)
        proxy = model.get_proxy(data, cleaned=False)  # re-cleans every value
        assert proxy.schema.validate(data) is None
        assert proxy.to_dict()["properties"] == data["properties"]
    assert AISSATA in out.read_text(encoding="utf-8")
    assert MOHAMED in out.read_text(encoding="utf-8")
    second = tmp_path / "export2.ftm.jsonl"
    assert cli("export", "ftm", second, "-w", ws.path).code == 0
    assert second.read_bytes() == out.read_bytes()  # deterministic ids and order

    fresh = Workspace.init(tmp_path / "fresh")
    try:
        outcome = fresh.ingest([out])[0]
        assert outcome.status == Status.LOADED
        assert outcome.rows_rejected == 0
        assert _snapshot(fresh) == before
    finally:
        fresh.close()


def test_export_cli_human_output_and_missing_workspace(
    ws: Workspace, story_file: Path, tmp_path: Path, cli: Any
) -> None:
    ws.ingest([story_file])
    ws.close()
    out = tmp_path / "out.jsonl"
    result = cli("--lang", "fr", "export", "ftm", out, "-w", ws.path)
    assert result.code == 0
    assert "3 parties, 2 comptes, 2 liens de détention, 2 paiements exportés" in result.out
    missing = cli("export", "ftm", out, "-w", tmp_path / "nowhere")
    assert missing.code == 2
