"""Text files as they reach an FIU: odd names, old encodings, line ends, duplicated headers.

Each test reproduces a case of issue 13 that loaded the wrong data, lost a column in silence or
crashed, and checks the fixed behaviour against the same file loaded cleanly in UTF-8.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.pipeline import Status
from moneytrail.workspace import Workspace
from tests.conftest import REPO

SAMPLE = REPO / "src" / "moneytrail" / "samples" / "orange_money_2024-03.csv"
TEXT = SAMPLE.read_text(encoding="utf-8")
HEADER, BODY = TEXT.split("\n", 1)
LINES = [line for line in BODY.split("\n") if line]


def facts(folder: Path) -> list[tuple[Any, ...]]:
    """Every transaction with its sender's and receiver's numbers and names, in a stable order."""
    with Workspace.open(folder, read_only=True) as ws:
        return ws.engine.fetchall(
            "SELECT t.ext_id, t.ts, CAST(t.amount AS VARCHAR), s.number, s.name, d.number, d.name"
            " FROM transactions t LEFT JOIN accounts s ON s.id = t.src_account_id"
            " LEFT JOIN accounts d ON d.id = t.dst_account_id ORDER BY t.ext_id"
        )


def load(cli: Any, folder: Path, *files: Path, extra: tuple[str, ...] = ()) -> Any:
    if not (folder / "workspace.duckdb").exists():
        assert cli("init", folder).code == 0
    return cli("--lang", "en", "ingest", "-w", folder, *files, "--json", *extra)


@pytest.fixture
def reference(tmp_path: Path, cli: Any) -> list[tuple[Any, ...]]:
    """The sample loaded as shipped (UTF-8, LF): what every variant must give."""
    folder = tmp_path / "reference"
    assert load(cli, folder, SAMPLE).code == 0
    return facts(folder)


@pytest.mark.parametrize("name", ["*.csv", "x[1].csv", "{a,b}.csv", "a?c.csv", "~relevé.csv"])
def test_a_file_name_is_never_a_pattern(
    name: str, tmp_path: Path, cli: Any, reference: list[tuple[Any, ...]]
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    target = folder / name
    target.write_text(TEXT, encoding="utf-8")
    # Neighbours the name would match as a glob: their rows must never be read.
    for decoy in ("x1.csv", "a.csv", "b.csv", "abc.csv", "autre.csv"):
        (folder / decoy).write_text(TEXT.replace("OM24", "XX24"), encoding="utf-8")
    result = load(cli, tmp_path / "ws", target)
    assert result.code == 0, result.err
    assert facts(tmp_path / "ws") == reference


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-8-sig", "utf-16"])
def test_french_encodings_read_like_utf8(
    encoding: str, tmp_path: Path, cli: Any, reference: list[tuple[Any, ...]]
) -> None:
    """A Windows-1252 statement was read as CP775: no sender, garbled names, "success"."""
    path = tmp_path / f"releve-{encoding}.csv"
    path.write_bytes(TEXT.encode(encoding))
    result = load(cli, tmp_path / "ws", path)
    assert result.code == 0, result.err
    got = facts(tmp_path / "ws")
    assert got == reference
    assert all(row[3] is not None for row in got if row[0] != "OM2400300003")  # senders kept
    names = {row[4] for row in got} | {row[6] for row in got}
    assert {"Aïssata Maïga", "Boubacar Keïta"} <= names


def test_a_legacy_dos_export_loads_with_its_encoding_named(tmp_path: Path, cli: Any) -> None:
    """Bytes CP1252 leaves undefined mean an older code page: guessed among DOS/Central
    European ones only, and the encoding used is recorded with the source."""
    path = tmp_path / "dos.csv"
    path.write_bytes(TEXT.replace("Traoré", "Traoré Ñüü").encode("cp850"))
    result = load(cli, tmp_path / "ws", path)
    assert result.code == 0, result.err
    with Workspace.open(tmp_path / "ws", read_only=True) as ws:
        [mapping] = ws.engine.fetchall("SELECT mapping FROM sources")[0]
    assert '"encoding": "cp850"' in mapping
    with Workspace.open(tmp_path / "ws", read_only=True) as ws:
        names = {r[0] for r in ws.engine.fetchall("SELECT name FROM parties")}
    assert "Moussa Traoré Ñüü" in names


@pytest.mark.parametrize("ending", ["\r", "\r\n", "mixed"])
def test_line_ends_of_any_tool(
    ending: str, tmp_path: Path, cli: Any, reference: list[tuple[Any, ...]]
) -> None:
    """CR-only and mixed line ends crashed the header detection (exit 1)."""
    ends = ["\r\n", "\r", "\n"]
    rows = [HEADER, *LINES]
    if ending == "mixed":
        text = "".join(row + ends[i % 3] for i, row in enumerate(rows))
    else:
        text = "".join(row + ending for row in rows)
    path = tmp_path / "fins.csv"
    path.write_text(text, encoding="utf-8", newline="")
    result = load(cli, tmp_path / "ws", path)
    assert result.code == 0, result.err
    assert facts(tmp_path / "ws") == reference


def test_a_bad_file_does_not_stop_the_batch(tmp_path: Path, cli: Any) -> None:
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 100)
    mixed = tmp_path / "mixte.csv"
    mixed.write_text(HEADER + "\r" + "\n".join(LINES) + "\r\n", encoding="utf-8", newline="")
    result = load(cli, tmp_path / "ws", binary, mixed, SAMPLE)
    assert result.code == 3, result.err
    statuses = [f["status"] for f in result.json()["files"]]
    assert statuses == ["refused", "loaded", "loaded"]


def test_two_columns_with_the_same_header_are_refused(tmp_path: Path, cli: Any) -> None:
    """``Montant (XOF)`` twice: one of the two was picked in silence."""
    text = HEADER + ";Montant (XOF)\n" + "\n".join(line + ";999" for line in LINES) + "\n"
    path = tmp_path / "doublon.csv"
    path.write_text(text, encoding="utf-8")
    result = load(cli, tmp_path / "ws", path)
    assert result.code == 3
    [refused] = result.json()["files"]
    problem = refused["problems"][0]
    assert (problem["code"], problem["field"]) == ("column_duplicate", "Montant (XOF)")
    assert "8, 10" in problem["message"]


def test_an_empty_sender_column_refuses_the_file(tmp_path: Path, cli: Any) -> None:
    """Every transaction would load without its sender: refused, naming the column."""
    blanked = []
    for line in LINES:
        cells = line.split(";")
        cells[3] = ""
        blanked.append(";".join(cells))
    path = tmp_path / "sans-expediteur.csv"
    path.write_text(HEADER + "\n" + "\n".join(blanked) + "\n", encoding="utf-8")
    result = load(cli, tmp_path / "ws", path)
    assert result.code == 3, result.err
    problem = result.json()["files"][0]["problems"][0]
    assert (problem["code"], problem["field"]) == ("column_empty", "Expéditeur")
    with Workspace.open(tmp_path / "ws", read_only=True) as ws:
        assert ws.info().counts["transactions"] == 0


def test_unknown_columns_are_named_not_dropped_in_silence(tmp_path: Path, cli: Any) -> None:
    text = HEADER + ";Solde agent\n" + "\n".join(line + ";1" for line in LINES) + "\n"
    path = tmp_path / "colonnes.csv"
    path.write_text(text, encoding="utf-8")
    result = load(cli, tmp_path / "ws", path)
    assert result.code == 0
    warnings = result.json()["files"][0]["warnings"]
    assert any(w["code"] == "columns_unused" and "Solde agent" in w["message"] for w in warnings)


def test_control_characters_past_the_first_kilobytes_reject_their_record(
    tmp_path: Path, cli: Any
) -> None:
    """NUL and BEL bytes after the 4 KiB binary check used to end up in party names."""
    padding = [
        f"0{d}/03/2024 10:00;PAD{i:04d};Transfert;+223 70 11 22 33;Oumar Coulibaly;"
        f"+223 76 12 34 56;Aïssata Maïga;1 000;0"
        for i, d in enumerate([5] * 80)
    ]
    poisoned = (
        "06/03/2024 10:00;OM2409999999;Transfert;+223 70 99 88 77;Ou\x00mar\x07 Diallo;"
        "+223 76 12 34 56;Aïssata Maïga;2 000;0"
    )
    path = tmp_path / "nul.csv"
    path.write_text("\n".join([HEADER, *padding, poisoned]) + "\n", encoding="utf-8")
    assert path.read_bytes().index(b"\x00") > 4096
    result = load(cli, tmp_path / "ws", path)
    assert result.code == 0, result.err
    [outcome] = result.json()["files"]
    assert (outcome["rows_ok"], outcome["rows_rejected"]) == (80, 1)
    [problem] = outcome["problems"]
    assert (problem["line"], problem["field"], problem["code"]) == (82, "name", "control_character")
    assert "U+0000" in problem["message"]
    with Workspace.open(tmp_path / "ws", read_only=True) as ws:
        bad = ws.engine.fetchall(
            "SELECT count(*) FROM parties WHERE regexp_matches(name, '[\\x00-\\x08]')"
        )[0][0]
        numbers = {r[0] for r in ws.engine.fetchall("SELECT number FROM accounts")}
    assert bad == 0
    assert "+22370998877" not in numbers


@pytest.mark.parametrize(
    ("given", "stored"), [("banque", "bank"), ("Espèces", "cash"), ("coffre-fort", None)]
)
def test_a_mapping_value_must_be_canonical(
    given: str, stored: str | None, tmp_path: Path, cli: Any
) -> None:
    """``account_kind: especes`` was stored as is; aliases map, unknown words are refused."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text(f"version: 1\naccount_kind: {given}\ncurrency: XOF\n", encoding="utf-8")
    result = load(cli, tmp_path / "ws", SAMPLE, extra=("--mapping", str(mapping)))
    if stored is None:
        assert result.code == 2, result.err
        assert "account_kind" in result.err and "coffre-fort" in result.err
        return
    assert result.code == 0, result.err
    with Workspace.open(tmp_path / "ws", read_only=True) as ws:
        kinds = {r[0] for r in ws.engine.fetchall("SELECT DISTINCT kind FROM accounts")}
    assert kinds == {stored}


def test_a_mapping_channel_outside_the_vocabulary_is_refused(tmp_path: Path, cli: Any) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("version: 1\nchannel: especes\n", encoding="utf-8")
    result = load(cli, tmp_path / "ws", SAMPLE, extra=("--mapping", str(mapping)))
    assert result.code == 2
    assert "especes" in result.err and "cash_deposit" in result.err


def test_records_count_lines_not_tables(ws: Workspace, tmp_path: Path) -> None:
    """A line defining a transaction, two accounts and two parties is one record."""
    path = tmp_path / "deux.csv"
    path.write_text("\n".join([HEADER, LINES[0], LINES[1] + "x"]) + "\n", encoding="utf-8")
    [outcome] = ws.ingest([path], IngestOptions(format="mobile_money"))
    assert outcome.status is Status.LOADED
    assert (outcome.rows_ok, outcome.rows_rejected) == (1, 1)
    assert outcome.inserted["accounts"] == 2


def test_damaged_utf8_is_refused_at_its_line_not_garbled(tmp_path: Path, cli: Any) -> None:
    """A UTF-8 file with one bad byte is UTF-8 with damage, not Windows-1252."""
    data = TEXT.encode("utf-8")
    at = data.index(b"Mariam")
    path = tmp_path / "abime.csv"
    path.write_bytes(data[:at] + b"\xff" + data[at:])
    result = load(cli, tmp_path / "ws", path)
    assert result.code == 3, result.err
    problem = result.json()["files"][0]["problems"][0]
    assert (problem["code"], problem["line"]) == ("encoding_invalid", 4)
    assert "0xFF" in problem["message"]
