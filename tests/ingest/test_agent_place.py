"""Agents and cash points (issue 23, part 3): a cash-in or cash-out keeps where it happened, on
the agent's account, and a trace's ``cash`` endpoint says the agent and the place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moneytrail.ingest.pipeline import Status
from moneytrail.workspace import Workspace

HEADER = (
    "Date;N° Transaction;Type;Expéditeur;Nom expéditeur;Destinataire;Nom destinataire;Montant;{}"
)
ROWS = [
    # a transfer's place says nothing about an agent: not kept
    "01/03/2024 10:00;AP1;Transfert;+223 70 11 22 33;Oumar Coulibaly;+223 76 12 34 56;"
    "Aïssata Maïga;500 000;Kati",
    # cash-out: the receiver is the agent who paid the cash
    "02/03/2024 10:00;AP2;Retrait;+223 76 12 34 56;Aïssata Maïga;+223 76 00 10 01;"
    "Agent Kalaban Coura;300 000;Kalaban Coura, Bamako",
    # cash-in: the sender is the agent who took the cash
    "02/03/2024 11:00;AP3;Dépôt;+223 77 00 20 02;Agent Sogoniko;+223 76 12 34 56;"
    "Aïssata Maïga;50 000;Sogoniko",
    # the same agent at a second place; Arabic script survives
    "03/03/2024 10:00;AP4;Retrait;+223 76 12 34 56;Aïssata Maïga;+223 77 00 20 02;"
    "Agent Sogoniko;150 000;غاو",
    # a cash-out to an agent outside the data: nobody to keep the place on
    "04/03/2024 10:00;AP5;Retrait;+223 76 12 34 56;Aïssata Maïga;;;10 000;Mopti",
]


def _file(tmp_path: Path, column: str = "Lieu") -> Path:
    path = tmp_path / "om.csv"
    path.write_text("\n".join([HEADER.format(column), *ROWS]) + "\n", encoding="utf-8")
    return path


def _places(ws: Workspace) -> set[tuple[str, str]]:
    rows = ws.engine.fetchall(
        "SELECT a.number, i.value FROM identifiers i JOIN accounts a ON a.id = i.owner_id"
        " WHERE i.scheme = 'address'"
    )
    return {(str(n), str(v)) for n, v in rows}


def test_places_go_to_the_agents_accounts(ws: Workspace, tmp_path: Path) -> None:
    [outcome] = ws.ingest([_file(tmp_path)])
    assert outcome.status is Status.LOADED, outcome
    assert outcome.rows_rejected == 0
    assert _places(ws) == {
        ("+22376001001", "Kalaban Coura, Bamako"),
        ("+22377002002", "Sogoniko"),
        ("+22377002002", "غاو"),
    }


def test_english_and_machine_headers_are_known(ws: Workspace, tmp_path: Path) -> None:
    for column in ("agent_location", "Point de service", "LOCALITÉ", "ville_agent"):
        folder = tmp_path / column.replace(" ", "_")
        folder.mkdir()
        with Workspace.init(folder / "ws") as other:
            [outcome] = other.ingest([_file(folder, column)])
            assert outcome.status is Status.LOADED, (column, outcome)
            assert ("+22376001001", "Kalaban Coura, Bamako") in _places(other), column


def test_a_mapping_names_the_place_column(ws: Workspace, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("version: 1\ncolumns:\n  place: Guichet\n", encoding="utf-8")
    from moneytrail.ingest.base import IngestOptions

    [outcome] = ws.ingest([_file(tmp_path, "Guichet")], IngestOptions(mapping=mapping))
    assert outcome.status is Status.LOADED, outcome
    assert ("+22376001001", "Kalaban Coura, Bamako") in _places(ws)


def test_reingest_adds_no_second_place(ws: Workspace, tmp_path: Path) -> None:
    path = _file(tmp_path)
    ws.ingest([path])
    copy = tmp_path / "copie.csv"
    copy.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    ws.ingest([copy])
    count = ws.engine.fetchall("SELECT count(*) FROM identifiers WHERE scheme = 'address'")
    assert count[0][0] == 3


def test_trace_cash_endpoint_says_agent_and_place(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    with Workspace.init(folder) as ws:
        ws.ingest([_file(tmp_path)])
    res = cli("trace", "-w", folder, "--account", "+223 76 12 34 56", "--json")
    assert res.code == 0, res.err
    cash = {e["account_number"]: e for e in res.json()["endpoints"] if e["kind"] == "cash"}
    kalaban = cash["+22376001001"]
    assert (kalaban["holder"], kalaban["place"]) == ("Agent Kalaban Coura", "Kalaban Coura, Bamako")
    assert cash["+22377002002"]["place"] == "Sogoniko / غاو"
    res = cli("--lang", "fr", "trace", "-w", folder, "--account", "+223 76 12 34 56")
    assert res.code == 0, res.err
    flat = " ".join(res.out.split())
    assert "lieu :" in flat and "Kalaban" in flat
