"""The ingest runs under a memory limit (spilling beyond it) and gives the connection back as
it found it (issue 20; docs/formats/tabular.md, "Performance")."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.errors import UsageError
from moneytrail.workspace import Workspace
from tests.ingest.tabular_support import load, rows, write

HEAD = "id;date;expediteur;destinataire;montant;devise\n"


def _limit(ws: Workspace) -> str:
    return str(ws.engine.fetchall("SELECT current_setting('memory_limit')")[0][0])


def test_a_small_limit_loads_and_the_setting_is_restored(ws: Workspace, tmp_path: Path) -> None:
    before = _limit(ws)
    body = "".join(
        f"T{i};01/03/2024;+2237600{i:04d};+2237700{i:04d};{i + 1};XOF\n" for i in range(2000)
    )
    out = load(ws, write(tmp_path, "x.csv", HEAD + body), memory_limit="64MiB")
    assert out.status == "loaded" and out.rows_ok == 2000
    assert rows(ws, "SELECT count(*) FROM transactions") == [(2000,)]
    assert _limit(ws) == before


def test_a_limit_that_is_no_size_is_a_usage_error(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", HEAD + "T;01/03/2024;+22376000001;+22377000001;1;XOF\n")
    with pytest.raises(UsageError) as caught:
        load(ws, path, memory_limit="lots; DROP TABLE x")
    assert "lots" in caught.value.render("en")
    assert rows(ws, "SELECT count(*) FROM transactions") == [(0,)]
