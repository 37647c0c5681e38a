"""Two sources that disagree about one transaction: both kept, reported, decided (issue 13).

Before: a second file giving an already loaded reference another amount was counted "already
present" and the new amount discarded without a word.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from moneytrail.trace.model import Seed
from moneytrail.workspace import Workspace
from tests.conftest import REPO

SAMPLE = REPO / "src" / "moneytrail" / "samples" / "orange_money_2024-03.csv"
HEADER, BODY = SAMPLE.read_text(encoding="utf-8").split("\n", 1)
FIRST = BODY.split("\n")[0]  # OM2400300001: 64 000 XOF from +223 77 45 12 09


@pytest.fixture
def disputed(tmp_path: Path, cli: Any) -> tuple[Path, Any]:
    """The sample, then a second statement giving OM2400300001 99 000 XOF instead of 64 000."""
    folder = tmp_path / "ws"
    assert cli("init", folder).code == 0
    assert cli("ingest", "-w", folder, SAMPLE).code == 0
    second = tmp_path / "rectifie.csv"
    second.write_text(HEADER + "\n" + FIRST.replace("64 000", "99 000") + "\n", encoding="utf-8")
    result = cli("--lang", "en", "ingest", "-w", folder, second, "--json")
    return folder, result


def amount(folder: Path, ext_id: str = "OM2400300001") -> Decimal:
    with Workspace.open(folder, read_only=True) as ws:
        value = ws.engine.fetchall("SELECT amount FROM transactions WHERE ext_id = ?", [ext_id])
    return Decimal(value[0][0])


def test_the_conflict_is_reported_and_both_versions_kept(disputed: tuple[Path, Any]) -> None:
    folder, result = disputed
    assert result.code == 0, result.err
    [outcome] = result.json()["files"]
    assert (outcome["conflicts"], outcome["already_present"]) == (1, 0)
    [warning] = outcome["warnings"]
    assert (warning["code"], warning["line"], warning["value"]) == (
        "transaction_conflict",
        2,
        "OM2400300001",
    )
    assert "64000 XOF" in warning["message"] and "99000 XOF" in warning["message"]
    assert amount(folder) == Decimal(64000)  # the first source stays in use until decided
    with Workspace.open(folder, read_only=True) as ws:
        [(status, differs, versioned)] = ws.engine.fetchall(
            "SELECT status, differs, amount FROM transaction_versions"
        )
    assert (status, differs, Decimal(versioned)) == ("to_review", ["amount"], Decimal(99000))


def test_the_same_file_again_adds_no_second_conflict(
    disputed: tuple[Path, Any], tmp_path: Path, cli: Any
) -> None:
    folder, _ = disputed
    again = cli("ingest", "-w", folder, tmp_path / "rectifie.csv", "--json")
    assert again.json()["files"][0]["status"] == "unchanged"
    listed = cli("conflicts", "list", "-w", folder, "--json").json()["versions"]
    assert len(listed) == 1


def test_the_analyst_puts_the_other_version_in_use(disputed: tuple[Path, Any], cli: Any) -> None:
    folder, _ = disputed
    with Workspace.open(folder) as ws:  # traces read an index cached beside the workspace
        before = ws.trace(Seed(accounts=("+22370909090",))).seed_amount
    [version] = cli("conflicts", "list", "-w", folder, "--json").json()["versions"]
    refused = cli(
        "--lang", "en", "conflicts", "decide", "-w", folder, version["version_id"], "--use"
    )
    assert refused.code == 2 and "--by" in refused.err
    done = cli(
        "conflicts", "decide", "-w", folder, version["version_id"][:8], "--use",
        "--by", "A. Traoré", "--note", "relevé rectifié de la banque",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert amount(folder) == Decimal(99000)
    # Nothing lost: the displaced version is kept, set aside, with who and why.
    every = cli("conflicts", "list", "-w", folder, "--all", "--json").json()["versions"]
    assert [(v["status"], v["decided_by"], v["other"]["amount"]) for v in every] == [
        ("set_aside", "A. Traoré", "64000.00000000")
    ]
    assert cli("conflicts", "list", "-w", folder, "--json").json()["versions"] == []
    with Workspace.open(folder) as ws:  # the cached trace index follows the decision
        after = ws.trace(Seed(accounts=("+22370909090",))).seed_amount
    assert after - before == Decimal(35000)


def test_keeping_the_version_in_use_sets_the_other_aside(
    disputed: tuple[Path, Any], cli: Any
) -> None:
    folder, _ = disputed
    [version] = cli("conflicts", "list", "-w", folder, "--json").json()["versions"]
    done = cli(
        "conflicts", "decide", "-w", folder, version["version_id"], "--keep", "--by", "M. Diarra"
    )
    assert done.code == 0, done.err
    assert amount(folder) == Decimal(64000)
    [kept] = cli("conflicts", "list", "-w", folder, "--all", "--json").json()["versions"]
    assert (kept["status"], kept["decided_by"]) == ("set_aside", "M. Diarra")
