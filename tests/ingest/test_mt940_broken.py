"""The MT940 reader on small story statements: decisions (direction, dates, ids) and bad input.

The story: an own account in Germany pays 150 000 XOF to a British IBAN for cattle and receives
75 000 XOF from a cooperative known only by name. Each broken variant changes one thing.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.mt940 import Mt940Reader
from moneytrail.ingest.pipeline import FileOutcome, Status
from moneytrail.workspace import Workspace

OWN = "DE89370400440532013000"
PAYEE = "GB82WEST12345698765432"
STATEMENT = [
    ":20:STMT-2024-001",  # line 1
    f":25:{OWN}",
    ":28C:00001/001",
    ":60F:C240101XOF1000000,",
    ":61:2401020102D150000,NTRFREF001//BANKREF001",  # line 5
    f":86:/IBAN/{PAYEE}/NAME/AMADOU DIALLO/REMI/Achat betail/",
    ":61:2401030103C75000,NTRFNONREF",  # line 7
    ":86:/NAME/Cooperative Or  Kidal/REMI/Versement/",
    ":62F:C240103XOF925000,",
    "-",
]
MT940 = IngestOptions(format="mt940")


def write(tmp_path: Path, lines: list[str], name: str = "story.sta", **kw: Any) -> Path:
    """Write ``lines`` as a CRLF statement file (``encoding`` and ``newline`` may change)."""
    path = tmp_path / name
    newline = kw.get("newline", "\r\n")
    path.write_bytes(newline.join(lines).encode(kw.get("encoding", "utf-8")) + b"\r\n")
    return path


def load(ws: Workspace, path: Path, options: IngestOptions = MT940) -> FileOutcome:
    return ws.ingest([path], options)[0]


def count(ws: Workspace, table: str) -> int:
    return int(ws.engine.fetchall(f"SELECT count(*) FROM {table}")[0][0])


def replace(old: str, new: str) -> list[str]:
    return [line.replace(old, new) for line in STATEMENT]


def test_story_loads_with_direction_counterparties_and_reference(
    ws: Workspace, tmp_path: Path
) -> None:
    outcome = load(ws, write(tmp_path, STATEMENT))
    assert outcome.status is Status.LOADED
    assert outcome.inserted["transactions"] == 2
    rows = ws.engine.fetchall(
        "SELECT t.ts, t.amount, t.currency, s.number, d.number, d.name, t.reference, t.ext_id,"
        " t.source_row FROM transactions t LEFT JOIN accounts s ON s.id = t.src_account_id"
        " LEFT JOIN accounts d ON d.id = t.dst_account_id ORDER BY t.source_row"
    )
    assert rows[0] == (
        datetime(2024, 1, 2),
        Decimal("150000"),
        "XOF",
        OWN,
        PAYEE,
        "AMADOU DIALLO",
        "Achat betail",
        "BANKREF001",
        5,
    )
    incoming = ws.engine.fetchall(
        "SELECT s.kind, s.name, p.name, d.number FROM transactions t"
        " JOIN accounts s ON s.id = t.src_account_id JOIN parties p ON p.id = s.holder_party_id"
        " JOIN accounts d ON d.id = t.dst_account_id WHERE t.source_row = 7"
    )
    assert incoming == [("external", "Cooperative Or Kidal", "Cooperative Or Kidal", OWN)]
    own = ws.engine.fetchall("SELECT kind, currency, country FROM accounts WHERE number = ?", [OWN])
    assert own == [("bank", "XOF", "DE")]


def test_truncated_statement_is_refused_whole(ws: Workspace, tmp_path: Path) -> None:
    outcome = load(ws, write(tmp_path, STATEMENT[:8]))
    assert outcome.status is Status.REFUSED
    problem = outcome.problems[0]
    assert (problem.code, problem.line, problem.field) == ("mt940_closing_missing", 1, "62F")
    assert "truncated" in problem.render("en") and "tronqué" in problem.render("fr")
    assert count(ws, "transactions") == count(ws, "accounts") == 0


def test_binary_file_is_refused(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "photo.sta"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    outcome = load(ws, path)
    assert (outcome.status, outcome.problems[0].code) == (Status.REFUSED, "file_binary")
    assert Mt940Reader("mt940").sniff(path, path.read_bytes()) == 0


@pytest.mark.parametrize(
    ("content", "code"), [(b"", "file_empty"), (b"\r\n  \r\n", "mt940_no_statement")]
)
def test_empty_file_is_refused(ws: Workspace, tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "empty.sta"
    path.write_bytes(content)
    outcome = load(ws, path)
    assert (outcome.status, outcome.problems[0].code) == (Status.REFUSED, code)


@pytest.mark.parametrize(
    ("old", "new", "field", "code", "value"),
    [
        ("D150000,", "D15O000,", "amount", "amount_not_number", "15O000,"),
        ("D150000,", "D150,000,", "amount", "amount_not_number", "150,000,"),
        ("2401020102D", "2402300102D", "value_date", "date_invalid", "240230"),
        ("2401020102D", "2401021302D", "entry_date", "date_invalid", "1302"),
        ("2401020102D", "2401020102X", "mark", "mt940_mark_invalid", "X1"),
    ],
)
def test_bad_line_is_quarantined_with_its_line(
    ws: Workspace, tmp_path: Path, old: str, new: str, field: str, code: str, value: str
) -> None:
    path = write(tmp_path, replace(old, new))
    outcome = load(ws, path)
    assert outcome.status is Status.LOADED
    assert (outcome.inserted["transactions"], outcome.rows_rejected) == (1, 1)
    problem = outcome.problems[0]
    assert (problem.line, problem.field, problem.code, problem.value) == (5, field, code, value)
    assert problem.render("en").startswith(f"{path}:5: {field}: ")
    assert count(ws, "quarantine") == 1


def test_impossible_date_of_a_real_sample_is_quarantined(ws: Workspace, shared_data: Path) -> None:
    path = shared_data / "mt940/wolph_mt940/self-provided/february_30.sta"
    outcome = load(ws, path)
    assert outcome.problems[0].render("en") == (
        f"{path}:6: value_date: impossible or badly written date '160230'"
    )


def test_strict_refuses_the_whole_file(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, replace("D150000,", "D15O000,"))
    outcome = load(ws, path, IngestOptions(format="mt940", strict=True))
    assert (outcome.status, outcome.error_key) == (Status.REFUSED, "error.strict_refused")
    assert count(ws, "transactions") == count(ws, "quarantine") == count(ws, "sources") == 0


def test_strict_from_the_cli(tmp_path: Path, cli: Any) -> None:
    Workspace.init(tmp_path / "ws").close()
    path = write(tmp_path, replace("2401020102D", "2402300102D"))
    result = cli("ingest", "-w", tmp_path / "ws", path, "--format", "mt940", "--strict", "--json")
    assert result.code == 3
    (refused,) = result.json()["files"]
    assert refused["status"] == "refused"
    assert "Traceback" not in result.err


def test_unreadable_bytes_are_refused_as_encoding(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "garbage.sta"
    path.write_bytes(b":20:X\r\n" + bytes(range(0x80, 0x100)) * 20)
    outcome = load(ws, path)
    assert (outcome.status, outcome.problems[0].code) == (Status.REFUSED, "encoding_invalid")


def test_latin1_export_is_decoded(ws: Workspace, tmp_path: Path) -> None:
    lines = replace("AMADOU DIALLO", "Société Malienne d'Élevage")
    outcome = load(ws, write(tmp_path, lines, encoding="latin-1"))
    assert outcome.status is Status.LOADED
    names = ws.engine.fetchall("SELECT name FROM accounts WHERE number = ?", [PAYEE])
    assert names == [("Société Malienne d'Élevage",)]


def test_same_statement_from_two_exports_adds_nothing(ws: Workspace, tmp_path: Path) -> None:
    first = load(ws, write(tmp_path, STATEMENT, "a.sta"))
    swift = ["{1:F01DEUTDEFFAXXX0000000000}{2:O940DEUTDEFFXXXXN}{4:", *STATEMENT[:-1], "-}"]
    second = load(ws, write(tmp_path, swift, "b.txt", newline="\n"))
    assert first.inserted["transactions"] == 2
    assert (second.status, second.inserted["transactions"], second.already_present) == (
        Status.LOADED,
        0,
        2,
    )
    assert count(ws, "transactions") == 2
    assert count(ws, "accounts") == 3


def test_identical_lines_in_one_statement_both_survive(ws: Workspace, tmp_path: Path) -> None:
    lines = [*STATEMENT[:6], *STATEMENT[4:]]
    outcome = load(ws, write(tmp_path, lines))
    assert outcome.inserted["transactions"] == 3


@pytest.mark.parametrize(
    ("dates", "booked"),
    [("2312310102", datetime(2024, 1, 2)), ("2401021231", datetime(2023, 12, 31))],
)
def test_entry_date_crosses_the_year(
    ws: Workspace, tmp_path: Path, dates: str, booked: datetime
) -> None:
    load(ws, write(tmp_path, replace("2401020102D", dates + "D")))
    ts = ws.engine.fetchall("SELECT ts FROM transactions WHERE source_row = 5")
    assert ts == [(booked,)]


def test_refused_statement_structure_names_line_and_field(ws: Workspace, tmp_path: Path) -> None:
    lines = [*STATEMENT[:4], ":60F:C240101XOF1,", *STATEMENT[4:]]
    outcome = load(ws, write(tmp_path, lines))
    problem = outcome.problems[0]
    assert (problem.code, problem.line, problem.field) == ("mt940_field_repeated", 5, "60F")


def test_sniff_scores_statements_not_other_text(tmp_path: Path) -> None:
    reader = Mt940Reader("mt940")
    head = "\r\n".join(STATEMENT).encode()
    assert reader.sniff(tmp_path / "x.txt", head) == 90
    assert reader.sniff(tmp_path / "x.csv", b"date;amount\n2024-01-01;10\n") == 0
