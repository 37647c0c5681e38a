"""``moneytrail model features``: the model's inputs written as Parquet, never over files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from moneytrail.detect.features import FeatureConfig
from moneytrail.detect.model.evaluate import feature_matrix
from moneytrail.workspace import Workspace


def test_the_written_matrix_is_the_models_input(story_ws: Workspace, tmp_path: Path) -> None:
    written = story_ws.model.features(tmp_path / "out")
    table = pq.read_table(tmp_path / "out")
    rows = feature_matrix(story_ws.engine, FeatureConfig())
    assert (written.rows, written.features) == (len(rows.ids), len(rows.names))
    assert table.column_names == ["id", *rows.names]
    assert table["id"].to_pylist() == rows.ids.to_pylist()
    assert np.array_equal(
        table["fan_in_dst"].to_numpy(), rows.values[:, rows.names.index("fan_in_dst")]
    )


def test_a_folder_holding_files_is_refused_and_kept(
    cli: Any, story_ws: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("à garder", encoding="utf-8")
    result = cli(
        "--lang", "fr", "model", "features", "-w", str(story_ws.path), "--out", str(folder)
    )
    assert result.code == 2
    assert "dossier" in result.err
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "à garder"
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_the_cli_says_what_it_wrote(cli: Any, story_ws: Workspace, tmp_path: Path) -> None:
    result = cli(
        "--lang",
        "en",
        "model",
        "features",
        "-w",
        str(story_ws.path),
        "--out",
        str(tmp_path / "m"),
        "--json",
    )
    assert result.code == 0, result.err
    said = result.json()
    assert said["rows"] == pq.read_table(tmp_path / "m").num_rows > 0
