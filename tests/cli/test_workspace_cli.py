"""init / info / errors of the CLI, end to end in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_init_then_info_json(tmp_path: Path, cli: Any) -> None:
    target = tmp_path / "enquête-été"
    assert cli("init", target).code == 0
    result = cli("info", "-w", target, "--json")
    assert result.code == 0
    data = result.json()
    from moneytrail.engine.schema import code_schema_version

    assert data["schema_version"] == code_schema_version()  # the newest shipped migration
    assert data["counts"]["transactions"] == 0


def test_init_refuses_a_folder_with_other_files(tmp_path: Path, cli: Any) -> None:
    (tmp_path / "notes.txt").write_text("mes notes", encoding="utf-8")
    result = cli("--lang", "fr", "init", tmp_path)
    assert result.code == 2
    assert "rien n'a été modifié" in result.err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mes notes"


def test_info_without_workspace_is_a_usage_error_in_english(tmp_path: Path, cli: Any) -> None:
    result = cli("--lang", "en", "info", "-w", tmp_path / "nowhere")
    assert result.code == 2
    assert "No workspace" in result.err
    assert "Traceback" not in result.err


def test_unknown_format_is_a_usage_error(tmp_path: Path, cli: Any) -> None:
    cli("init", tmp_path / "ws")
    sample = tmp_path / "x.csv"
    sample.write_text("a;b\n1;2\n", encoding="utf-8")
    result = cli("ingest", "-w", tmp_path / "ws", "--format", "nope", sample)
    assert result.code == 2
    assert "Traceback" not in result.err
